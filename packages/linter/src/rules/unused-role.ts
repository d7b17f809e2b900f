import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/** A role no user names grants nothing: dead configuration, or a user that forgot it. */
export default defineRule({
  id: 'unused-role',
  meta: {
    severity: 'warning',
    description: 'A role that no user references.',
    docs: ruleDocsPath('unused-role'),
    source: 'model',
    messages: {
      unused: 'Role "{{role}}" is not used by any user.',
    },
  },
  check(context) {
    const model = context.model;
    if (!model || model.roles.length === 0) return;
    const referenced = new Set<string>();
    // Indexed loops over the users: this code runs once per lint, before the JIT has optimised it, and an
    // unoptimised for-of allocates an iterator result per step (10,000 users: several ms a loop). So in the other rules.
    const users = model.users;
    for (let u = 0; u < users.length; u++) {
      const roles = users[u].roles;
      for (let r = 0; r < roles.length; r++) referenced.add(roles[r].name);
    }
    const reported = new Set<string>();
    for (const role of model.roles) {
      // A role without an id is missing-role-id's; a duplicate is duplicate-role's.
      if (role.id === '' || referenced.has(role.id) || reported.has(role.id)) continue;
      reported.add(role.id);
      context.report({ messageId: 'unused', data: { role: role.id }, range: role.idRange });
    }
  },
});
