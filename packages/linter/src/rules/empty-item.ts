import { defineRule, forwardLoadDiagnostics } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * Reported by the parser while loading the file (loadPolicy, as the servers do);
 * this rule forwards those diagnostics. `messages` documents the loader's
 * messageIds (the text is the loader's; a test checks they stay in step).
 */
export default defineRule({
  id: 'empty-item',
  meta: {
    severity: 'warning',
    description: 'An empty item in a comma-separated list.',
    docs: ruleDocsPath('empty-item'),
    source: 'load',
    messages: {
      emptyItem: 'Empty item in "{{key}}" is ignored.',
    },
  },
  check: forwardLoadDiagnostics('empty-item'),
});
