import type { Diagnostic } from '@nano-access/parser';
import { rules, type FormatterContext, type LintResult, type SuppressedDiagnostic } from '@nano-access/linter';

export function diagnostic(
  ruleId: string,
  severity: 'error' | 'warning',
  message: string,
  [line, column, endLine, endColumn]: [number, number, number, number],
  file = 'config-access.toml',
): Diagnostic {
  return {
    ruleId,
    severity,
    message,
    messageId: 'm',
    file,
    span: { start: { line, column, offset: 0 }, end: { line: endLine, column: endColumn, offset: 0 } },
  };
}

export function result(
  filePath: string,
  messages: Diagnostic[],
  suppressedMessages: SuppressedDiagnostic[] = [],
): LintResult {
  const errorCount = messages.filter((m) => m.severity === 'error').length;
  return {
    filePath,
    messages,
    suppressedMessages,
    errorCount,
    warningCount: messages.length - errorCount,
    loadable: errorCount === 0,
  };
}

/** Two files: one with an error and a warning, one clean. */
export const sample: LintResult[] = [
  result('conf/config-access.toml', [
    diagnostic(
      'unknown-permission',
      'error',
      'Unknown permission "walet": it is not in the nano catalog. Did you mean "wallet"?',
      [4, 10, 4, 15],
      'conf/config-access.toml',
    ),
    diagnostic(
      'weak-credential',
      'warning',
      'user #2 (…ss) has a weak id: 9 characters, fewer than 16.',
      [7, 6, 7, 17],
      'conf/config-access.toml',
    ),
  ]),
  result('conf/config-access.clean.toml', []),
];

export const context: FormatterContext = { cwd: '/repo', repoRoot: '/repo', rules, toolVersion: '1.2.3' };
