import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * Suppression comments that silence nothing: stale ones hide the next real
 * finding on their line, and ones naming a loading error promise something
 * the servers will not honour. The linter judges the comments after every
 * other rule has run and hands the verdicts to this rule.
 */
export default defineRule({
  id: 'unused-suppression',
  meta: {
    severity: 'warning',
    description:
      'A suppression comment that silences nothing, names an unknown rule, or names an error that cannot be suppressed.',
    docs: ruleDocsPath('unused-suppression'),
    source: 'lint',
    messages: {
      unused: 'Unused suppression: "{{rule}}" reports nothing here; remove it from the comment.',
      unknownRule: 'Unknown rule "{{rule}}" in a suppression comment.',
      unsuppressible:
        '"{{rule}}" is an error that stops a server from loading the file; it cannot be suppressed, fix the file instead.',
      malformed:
        'Malformed suppression comment: write "# nano-access: disable=rule-id[,rule-id] -- reason" or "# nano-access: disable-file=rule-id".',
    },
  },
  check(context) {
    for (const finding of context.suppressionFindings) context.report(finding);
  },
});
