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
  id: 'duplicate-user',
  meta: {
    severity: 'error',
    description: 'Two users with one id (two default users included).',
    docs: ruleDocsPath('duplicate-user'),
    source: 'load',
    messages: {
      duplicateUser: 'This user id is already used by the user on line {{line}}.',
      duplicateDefaultUser:
        'A second default user (no id, or id = ""); the default user is already defined on line {{line}}.',
    },
  },
  check: forwardLoadDiagnostics('duplicate-user'),
});
