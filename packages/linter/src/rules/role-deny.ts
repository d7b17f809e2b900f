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
  id: 'role-deny',
  meta: {
    severity: 'error',
    description: 'A deny entry on a role: only users can have deny entries.',
    docs: ruleDocsPath('role-deny'),
    source: 'load',
    messages: {
      roleDeny: 'A role cannot have "deny"; only users can have deny entries.',
    },
  },
  check: forwardLoadDiagnostics('role-deny'),
});
