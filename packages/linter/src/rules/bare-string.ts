import { defineRule, forwardLoadDiagnostics } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * Reported by the parser while loading the file (loadPolicy, as the servers do);
 * this rule forwards those diagnostics. `messages` documents the loader's
 * messageIds (the text is the loader's; a test checks they stay in step).
 */
export default defineRule({
  id: 'bare-string',
  meta: {
    severity: 'warning',
    description: '`bare` is given as the string "true" or "false" instead of a boolean.',
    docs: ruleDocsPath('bare-string'),
    source: 'load',
    messages: {
      bareString: '"bare" is a string; write bare = {{value}} without quotes.',
    },
  },
  check: forwardLoadDiagnostics('bare-string'),
});
