import { defineRule, forwardLoadDiagnostics } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * Reported by the parser or resolver while loading the file (loadPolicy, as the servers do);
 * this rule forwards those diagnostics. `messages` documents the loader's
 * messageIds (the text is the loader's; a test checks they stay in step).
 * An error: a server refuses such a file, so it can be neither suppressed nor
 * turned off.
 */
export default defineRule({
  id: 'duplicate-role',
  meta: {
    severity: 'error',
    description: 'Two roles with one id.',
    docs: ruleDocsPath('duplicate-role'),
    source: 'load',
    messages: {
      duplicateRole: 'Role "{{role}}" is already defined on line {{line}}.',
    },
  },
  check: forwardLoadDiagnostics('duplicate-role'),
});
