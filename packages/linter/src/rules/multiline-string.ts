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
  id: 'multiline-string',
  meta: {
    severity: 'error',
    description: 'An id, a role or permission list, or a name in one, is written as a multi-line string.',
    docs: ruleDocsPath('multiline-string'),
    source: 'load',
    messages: {
      multilineUserId:
        'This user id is a multi-line string; ids are credentials and are written as one-line strings ("…" or \'…\').',
      multilineRoleId: 'This role id is a multi-line string; ids are written as one-line strings ("…" or \'…\').',
      multilineList:
        '"{{key}}" is a multi-line string; write it as a one-line string, or as an array of one-line strings (which may span lines).',
      multilineItem: 'Item {{index}} of "{{key}}" is a multi-line string; names are written as one-line strings.',
    },
  },
  check: forwardLoadDiagnostics('multiline-string'),
});
