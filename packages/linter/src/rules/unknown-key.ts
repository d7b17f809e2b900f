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
  id: 'unknown-key',
  meta: {
    severity: 'error',
    description: 'An unknown top-level, role or user key (with "did you mean").',
    docs: ruleDocsPath('unknown-key'),
    source: 'load',
    messages: {
      unknownKey: 'Unknown {{where}} "{{name}}". Did you mean "{{hint}}"?',
    },
  },
  check: forwardLoadDiagnostics('unknown-key'),
});
