import type { Diagnostic } from './diagnostic';
import { escapeControls } from './escape-controls';

/**
 * One line, compiler style: `file:line:col: severity: message [rule-id]`.
 * Control characters of the file name and the message (which may quote the
 * file) are escaped, so the line is one line and safe on a terminal.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const { start } = diagnostic.span;
  return `${escapeControls(diagnostic.file)}:${start.line}:${start.column}: ${diagnostic.severity}: ${escapeControls(diagnostic.message)} [${diagnostic.ruleId}]`;
}

/** Orders diagnostics by file, line, column, then rule id (a new array; the input is not changed). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.slice().sort(compareDiagnostics);
}

/** The comparison behind sortDiagnostics. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.span.start.line !== b.span.start.line) return a.span.start.line - b.span.start.line;
  if (a.span.start.column !== b.span.start.column) return a.span.start.column - b.span.start.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return 0;
}

/** True when any diagnostic is an error (an access file with errors is never activated). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  for (const diagnostic of diagnostics) if (diagnostic.severity === 'error') return true;
  return false;
}
