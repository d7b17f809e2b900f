import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * A user whose credentials open nothing is either a leftover or a mistake
 * (a bare user whose roles were removed, a deny that took everything).
 * Read from the compiled policy: the effective set the servers decide with.
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
    for (const user of model.users) {
      if (user.isDefault) continue;
      if (policy.effective(user.id).length > 0) continue;
      context.report({ messageId: 'empty', data: { user: context.describeUser(user) }, range: user.idRange });
    }
  },
});
