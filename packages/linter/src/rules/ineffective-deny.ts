import type { UserEntry } from '@nano-access/parser';
import type { Catalog, Policy } from '@nano-access/resolver';
import { includedBy, inclusionOf, writtenReach } from '../catalog-graph';
import { defineRule } from '../define-rule';
import { credentialsOf } from '../derivation';
import { ruleDocsPath } from '../docs-url';

/**
 * A deny that removes nothing usually means the author believes a user
 * holds a permission it does not, or misspelt the intent.
 *
 * A deny of d removes d, what d includes and what includes d (docs/access-file.md, "Resolution").
 * What a user holds before its denies is closed under `implies`, so holding
 * something that includes d means holding d too: the deny removes something
 * exactly when the user would hold d or one of the permissions d includes.
 *
 * Every finding is confirmed by the resolver's derivation (explain: nothing
 * grants d nor anything d includes). explain is asked only about denies that
 * nothing written in the file could feed (no role, allow item or inherited
 * permission reaches them, read from the model and the catalog's `implies`
 * lists): on a large file that spares thousands of calls, and a deny the
 * pre-check keeps is never reported without explain's word.
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
    const included = includedBy(catalog);
    const includes = inclusionOf(catalog);
    const roleReach = writtenReach(model, included).roles;
    const users = model.users;
    // Indexed loops: see unused-role.
    for (let u = 0; u < users.length; u++) {
      const user = users[u];
      if (user.deny.length === 0) continue;
      const credentials = credentialsOf(user);
      const feeds: Feeds = { user, policy, catalog, roleReach, includes };
      const reported = new Set<string>();
      for (const ref of user.deny) {
        if (reported.has(ref.name)) continue;
        const removable = [ref.name, ...included(ref.name)];
        if (removable.some((name) => mayBeFed(feeds, name))) continue;
        if (removable.some((name) => (policy.explain(credentials, name).permission?.grants.length ?? 0) > 0)) continue;
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

/** What can feed a user a permission: read by mayBeFed. */
interface Feeds {
  user: UserEntry;
  policy: Policy;
  catalog: Catalog;
  roleReach: ReadonlyMap<string, ReadonlySet<string>>;
  includes: (name: string, other: string) => boolean;
}

/** Could anything written in the file give the user `name` (inheritance, a role, an allow item)? */
function mayBeFed({ user, policy, catalog, roleReach, includes }: Feeds, name: string): boolean {
  if (!user.bare) {
    const inherits = user.isDefault
      ? catalog.defaults.some((d) => d === name || includes(d, name))
      : policy.check('', name);
    if (inherits) return true;
  }
  const { roles, allow } = user;
  for (let i = 0; i < roles.length; i++) if (roleReach.get(roles[i].name)?.has(name)) return true;
  for (let i = 0; i < allow.length; i++) if (allow[i].name === name || includes(allow[i].name, name)) return true;
  return false;
}
