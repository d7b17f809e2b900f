import type { Logger } from 'pino';
import type { Diagnostic } from '@nano-access/parser';

/** `file:line:col`, the place editors and CI annotations understand. */
export function diagnosticLocation(d: Diagnostic): string {
  return `${d.file}:${d.span.start.line}:${d.span.start.column}`;
}

/** A log line's message for a diagnostic (the severity is the record's level): `file:line:col message (rule)`. */
export function diagnosticLogMessage(d: Diagnostic): string {
  return `${diagnosticLocation(d)} ${d.message} (${d.ruleId})`;
}

/**
 * Logs each diagnostic as its own line (errors at error level, warnings at warn), with the
 * location and rule id as fields. Messages must already be redacted (see credential-redaction).
 */
export function logDiagnostics(
  logger: Logger,
  diagnostics: readonly Diagnostic[],
  context: Record<string, unknown>,
): void {
  for (const d of diagnostics) {
    const fields = {
      ...context,
      at: diagnosticLocation(d),
      rule: d.ruleId,
      severity: d.severity,
      messageId: d.messageId,
    };
    if (d.severity === 'error') logger.error(fields, diagnosticLogMessage(d));
    else logger.warn(fields, diagnosticLogMessage(d));
  }
}
