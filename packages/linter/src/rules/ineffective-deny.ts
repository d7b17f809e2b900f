import { defineRule } from '../define-rule';
import { credentialsOf } from '../derivation';
import { ruleDocsPath } from '../docs-url';

/**
 * A deny that removes nothing usually means the author believes a user
 * holds a permission it does not, or misspelled the intent. A deny of d
 * removes d, what d includes, and what includes d (ACCESS.md §3); the
 * resolver's derivation (explain) says, for each permission of the
 * catalog, which denies removed it and whether anything granted it, so the
 * rule asks it rather than recomputing the closure.
 */
export default defineRule({
  id: 'ineffective-deny',
  meta: {
    severity: 'warning',
    description: 'A deny of a permission the user would not have anyway.',
    docs: ruleDocsPath('ineffective-deny'),
    source: 'policy',
    messages: {
      ineffective:
        '{{user}} would not have "{{permission}}" (nor anything it includes or that includes it) anyway; this deny removes nothing.',
    },
  },
  check(context) {
    const { model, policy, catalog } = context;
    if (!model || !policy) return;
    for (const user of model.users) {
      if (user.deny.length === 0) continue;
      const credentials = credentialsOf(user);
      const effective = new Set<string>();
      for (const { name } of catalog.permissions) {
        const explained = policy.explain(credentials, name).permission;
        if (!explained || explained.grants.length === 0) continue;
        for (const deny of explained.denies) if (deny.source === 'deny') effective.add(deny.permission);
      }
      const reported = new Set<string>();
      for (const ref of user.deny) {
        if (effective.has(ref.name) || reported.has(ref.name)) continue;
        reported.add(ref.name);
        context.report({
          messageId: 'ineffective',
          data: { user: context.describeUser(user), permission: ref.name },
          range: ref.range,
        });
      }
    }
  },
});
