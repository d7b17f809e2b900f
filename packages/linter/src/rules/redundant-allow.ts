import type { NameRef, UserEntry } from '@nano-access/parser';
import type { Grant, Policy } from '@nano-access/resolver';
import { includedBy, inclusionOf, writtenReach } from '../catalog-graph';
import { defineRule } from '../define-rule';
import { credentialsOf, rootOf } from '../derivation';
import { ruleDocsPath } from '../docs-url';

/**
 * An allow the user would have without it hides the real source of a
 * permission: removing the role later still leaves the permission granted.
 * Read from the resolver's derivation (explain), which lists every source.
 * explain is asked only about allow items that could have another source
 * (the default user holds it, a role of the user or another allow item
 * names it or something that includes it): on a 10,000-user file that
 * spares thousands of calls, and the verdict is still explain's.
 */
export default defineRule({
  id: 'redundant-allow',
  meta: {
    severity: 'warning',
    description: 'An allow of a permission the user already has from roles, inheritance or another allow.',
    docs: ruleDocsPath('redundant-allow'),
    source: 'policy',
    messages: {
      fromRole: '{{user}} already has "{{permission}}" from role "{{role}}"{{through}}; this allow adds nothing.',
      inherited: '{{user}} already inherits "{{permission}}" from the default user; this allow adds nothing.',
      builtinDefault:
        '"{{permission}}" is already a built-in permission of the default user{{through}}; this allow adds nothing.',
      fromAllow: '"{{permission}}" is already included in "{{by}}", also allowed to {{user}}; this allow adds nothing.',
    },
  },
  check(context) {
    const { model, policy, catalog } = context;
    if (!model || !policy) return;
    const includes = inclusionOf(catalog);
    const reach = writtenReach(model, includedBy(catalog));
    const users = model.users;
    // Indexed loops: see unused-role.
    for (let u = 0; u < users.length; u++) {
      const user = users[u];
      const allow = user.allow;
      if (allow.length === 0) continue;
      const credentials = credentialsOf(user);
      // Most users allow a few names: a repeat is found by a look back, not a Set per user (a long list gets one).
      const seen = allow.length > 16 ? new Set<string>() : undefined;
      for (let i = 0; i < allow.length; i++) {
        const ref = allow[i];
        if (seen ? !addNew(seen, ref.name) : seenBefore(allow, i)) continue;
        if (!mayHaveAnotherSource(user, ref.name, policy, reach.roles, includes)) continue;
        const grants = policy.explain(credentials, ref.name).permission?.grants ?? [];
        const other = pickOtherSource(grants, ref.name);
        if (!other) continue;
        const described = context.describeUser(user);
        const { origin, through } = other;
        const via = through ? ` (through "${through}")` : '';
        switch (origin.source) {
          case 'role':
            context.report({
              messageId: 'fromRole',
              data: { user: described, permission: ref.name, role: origin.role, through: via },
              range: ref.range,
            });
            break;
          case 'inherited-default-user':
            context.report({
              messageId: 'inherited',
              data: { user: described, permission: ref.name },
              range: ref.range,
            });
            break;
          case 'builtin-default':
            context.report({
              messageId: 'builtinDefault',
              data: { permission: ref.name, through: via },
              range: ref.range,
            });
            break;
          case 'allow':
            context.report({
              messageId: 'fromAllow',
              data: { user: described, permission: ref.name, by: through ?? ref.name },
              range: ref.range,
            });
            break;
        }
      }
    }
  },
});

/** Whether an earlier item of the list names the same permission (judged once, at its first mention). */
function seenBefore(refs: readonly NameRef[], index: number): boolean {
  const name = refs[index].name;
  for (let j = 0; j < index; j++) if (refs[j].name === name) return true;
  return false;
}

/** Adds `name`; false when it was there already. */
function addNew(seen: Set<string>, name: string): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  return true;
}

/**
 * Could anything else written in the file give the user `name`: the default
 * user's grants (inherited), a role of the user, or another allow item that
 * includes it? Only then is explain asked.
 */
function mayHaveAnotherSource(
  user: UserEntry,
  name: string,
  policy: Policy,
  roleReach: ReadonlyMap<string, ReadonlySet<string>>,
  includes: (name: string, other: string) => boolean,
): boolean {
  if (user.isDefault || (!user.bare && policy.check('', name))) return true;
  const { roles, allow } = user;
  for (let i = 0; i < roles.length; i++) if (roleReach.get(roles[i].name)?.has(name)) return true;
  for (let i = 0; i < allow.length; i++) if (allow[i].name !== name && includes(allow[i].name, name)) return true;
  return false;
}

/**
 * The most telling source of `permission` other than its own allow: a role
 * or inheritance first (they make the allow pointless whatever else the user
 * writes), then another allow item that includes it.
 */
function pickOtherSource(grants: readonly Grant[], permission: string): ReturnType<typeof rootOf> | undefined {
  let fromAllow: ReturnType<typeof rootOf> | undefined;
  for (const grant of grants) {
    const root = rootOf(grant);
    if (root.origin.source === 'allow') {
      // The allow of the permission itself is the one under judgement.
      if (root.through !== undefined && root.through !== permission) fromAllow ??= root;
      continue;
    }
    return root;
  }
  return fromAllow;
}
