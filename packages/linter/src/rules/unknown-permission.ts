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
  id: 'unknown-permission',
  meta: {
    severity: 'error',
    description: 'A permission name that is not in the catalog (with "did you mean").',
    docs: ruleDocsPath('unknown-permission'),
    source: 'load',
    securitySeverity: 5.0,
    messages: {
      unknownPermission:
        'Unknown permission "{{name}}": it is not in the {{catalog}} catalog. Did you mean "{{hint}}"?',
    },
  },
  check: forwardLoadDiagnostics('unknown-permission'),
});
