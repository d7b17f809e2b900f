import { defineRule, forwardLoadDiagnostics } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * Reported by the parser while loading the file (loadPolicy, as the servers do);
 * this rule forwards those diagnostics. `messages` documents the loader's
 * messageIds (the text is the loader's; a test checks they stay in step).
 * An error: a server refuses such a file, so it can be neither suppressed nor
 * turned off.
 */
export default defineRule({
  id: 'missing-role-id',
  meta: {
    severity: 'error',
    description: 'A role without a non-empty id.',
    docs: ruleDocsPath('missing-role-id'),
    source: 'load',
    messages: {
      missingRoleId: 'This role has no "id"; every role needs a non-empty id.',
      emptyRoleId: 'A role id must not be empty.',
    },
  },
  check: forwardLoadDiagnostics('missing-role-id'),
});
