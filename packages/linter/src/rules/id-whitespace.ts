import { defineRule, forwardLoadDiagnostics } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * Reported by the parser while loading the file (loadPolicy, as the servers do);
 * this rule forwards those diagnostics. `messages` documents the loader's
 * messageIds (the text is the loader's; a test checks they stay in step).
 */
export default defineRule({
  id: 'id-whitespace',
  meta: {
    severity: 'warning',
    description: 'An id with leading or trailing white space.',
    docs: ruleDocsPath('id-whitespace'),
    source: 'load',
    messages: {
      roleIdWhitespace:
        'Role id "{{role}}" has leading or trailing white space; ids are never trimmed, so "roles" lists cannot name it.',
      userIdWhitespace: 'This user id has leading or trailing white space; ids are compared exactly and never trimmed.',
    },
  },
  check: forwardLoadDiagnostics('id-whitespace'),
});
