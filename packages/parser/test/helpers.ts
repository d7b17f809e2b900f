import type { Diagnostic } from '../src/diagnostic';

/** A diagnostic as [ruleId, severity, startLine, startColumn, endLine, endColumn]: what the rule tests compare. */
export function where(d: Diagnostic): [string, string, number, number, number, number] {
  return [d.ruleId, d.severity, d.span.start.line, d.span.start.column, d.span.end.line, d.span.end.column];
}

/** The text a diagnostic's span covers. */
export function covered(text: string, d: Diagnostic): string {
  return text.slice(d.span.start.offset, d.span.end.offset);
}
