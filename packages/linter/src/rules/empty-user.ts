import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * A user whose credentials open nothing is either a leftover or a mistake
 * (a bare user whose roles were removed, a deny that took everything).
 * Read from the compiled policy: the decisions the servers make. A user is
 * empty when checkId() denies it every permission of the catalog, which is
 * what an empty effective() says, without building that list of names for
 * each of 10,000 users (the first allowed permission ends the search).
 */
export default defineRule({
  id: 'empty-user',
  meta: {
    severity: 'warning',
    description: 'A non-default user that ends with no permissions.',
    docs: ruleDocsPath('empty-user'),
    source: 'policy',
    messages: {
      empty: '{{user}} ends with no permissions: its credentials open only what anyone may call.',
    },
  },
  check(context) {
    const { model, policy } = context;
    if (!model || !policy) return;
    // The policy's own catalog: the normalized copy it decides with (it always lists unrestricted).
    const permissionIds = policy.catalog.permissions.map((permission) => policy.permissionId(permission.name));
    const holdsAny = (credentials: string): boolean => {
      for (let i = 0; i < permissionIds.length; i++) if (policy.checkId(credentials, permissionIds[i])) return true;
      return false;
    };
    const users = model.users;
    // Indexed loops: see unused-role.
    for (let u = 0; u < users.length; u++) {
      const user = users[u];
      if (user.isDefault) continue;
      if (holdsAny(user.id)) continue;
      context.report({ messageId: 'empty', data: { user: context.describeUser(user) }, range: user.idRange });
    }
  },
});
