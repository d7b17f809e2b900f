import type { Diagnostic } from '@nano-access/parser';
import type { ReportDescriptor, SuppressionMessageId } from '../define-rule';
import type { SuppressedDiagnostic, Suppression } from '../lint-result';
import { findDirectives } from './directives';

export interface SuppressionPolicy {
  /** False for errors that stop a server from loading the file. */
  isSuppressible(diagnostic: Diagnostic): boolean;
  knownRule(id: string): boolean;
  /** Rules whose findings can never be suppressed. */
  unsuppressibleRule(id: string): boolean;
  /** Whether an unused suppression of this rule can be told apart from one the rule did not get to use. */
  judged(id: string): boolean;
}

export interface SuppressionOutcome {
  kept: Diagnostic[];
  suppressed: SuppressedDiagnostic[];
  /** Findings about the comments themselves, for `unused-suppression`. */
  directiveFindings: ReportDescriptor<SuppressionMessageId>[];
}

/** Splits findings into kept and suppressed by the file's suppression comments, and judges the comments. */
export function applySuppressions(
  text: string,
  findings: readonly Diagnostic[],
  policy: SuppressionPolicy,
): SuppressionOutcome {
  const { directives, malformed } = text.includes('nano-access:')
    ? findDirectives(text)
    : { directives: [], malformed: [] };
  const directiveFindings: ReportDescriptor<SuppressionMessageId>[] = malformed.map((m) => ({
    messageId: 'malformed',
    range: m.range,
  }));
  if (directives.length === 0) return { kept: findings.slice(), suppressed: [], directiveFindings };

  // used[d][i]: directive d's i-th rule id silenced something.
  const used = directives.map((d) => d.ruleIds.map(() => false));
  const kept: Diagnostic[] = [];
  const suppressed: SuppressedDiagnostic[] = [];
  for (const finding of findings) {
    const by: Suppression[] = [];
    if (policy.isSuppressible(finding)) {
      const line = finding.span.start.line;
      directives.forEach((directive, d) => {
        if (line < directive.firstLine || line > directive.lastLine) return;
        const i = directive.ruleIds.findIndex((r) => r.id === finding.ruleId);
        if (i === -1) return;
        used[d][i] = true;
        by.push({ kind: directive.kind, justification: directive.reason, line: directive.line });
      });
    }
    if (by.length > 0) suppressed.push({ ...finding, suppressions: by });
    else kept.push(finding);
  }

  directives.forEach((directive, d) => {
    directive.ruleIds.forEach(({ id, range }, i) => {
      if (!policy.knownRule(id)) directiveFindings.push({ messageId: 'unknownRule', data: { rule: id }, range });
      else if (policy.unsuppressibleRule(id))
        directiveFindings.push({ messageId: 'unsuppressible', data: { rule: id }, range });
      else if (!used[d][i] && policy.judged(id))
        directiveFindings.push({ messageId: 'unused', data: { rule: id }, range });
    });
  });
  return { kept, suppressed, directiveFindings };
}
