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
  id: 'default-user-order',
  meta: {
    severity: 'error',
    description: 'The default user is configured but is not the first user.',
    docs: ruleDocsPath('default-user-order'),
    source: 'load',
    messages: {
      defaultUserOrder: 'The default user (no id, or id = "") must be the first [[user]] entry.',
    },
  },
  check: forwardLoadDiagnostics('default-user-order'),
});
