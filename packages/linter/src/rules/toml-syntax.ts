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
  id: 'toml-syntax',
  meta: {
    severity: 'error',
    description: 'The file is not valid TOML 1.0.',
    docs: ruleDocsPath('toml-syntax'),
    source: 'load',
    messages: {
      tomlSyntax: 'Not valid TOML: {{reason}}',
      tomlVersion: 'Not valid TOML 1.0: {{reason}}',
    },
  },
  check: forwardLoadDiagnostics('toml-syntax'),
});
