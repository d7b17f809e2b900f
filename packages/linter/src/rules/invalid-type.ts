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
  id: 'invalid-type',
  meta: {
    severity: 'error',
    description: 'A key has a value of the wrong type.',
    docs: ruleDocsPath('invalid-type'),
    source: 'load',
    messages: {
      invalidType: '{{subject}} must be {{expected}}, not {{actual}}.',
      invalidValue: '{{subject}} must be one of {{allowed}}.',
      invalidBare: '"bare" must be true or false.',
      invalidList: '"{{key}}" must be a comma-separated string or an array of strings.',
      invalidSection: '"{{key}}" must be a table ([{{key}}]) or an array of tables ([[{{key}}]]).',
      invalidEntry: 'Each "{{key}}" entry must be a table.',
      missingKey: 'Missing required key "{{key}}" {{where}}.',
    },
  },
  check: forwardLoadDiagnostics('invalid-type'),
});
