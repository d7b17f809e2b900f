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
  id: 'unknown-role',
  meta: {
    severity: 'error',
    description: 'A user names a role that does not exist.',
    docs: ruleDocsPath('unknown-role'),
    source: 'load',
    messages: {
      unknownRole: 'Unknown role "{{name}}": no [[role]] has this id. Did you mean "{{hint}}"?',
    },
  },
  check: forwardLoadDiagnostics('unknown-role'),
});
