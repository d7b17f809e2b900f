import type { Diagnostic } from '@nano-access/parser';

/** How a finding was suppressed: by which comment, and why (the text after ` -- `). */
export interface Suppression {
  kind: 'disable' | 'disable-file';
  justification: string | undefined;
  /** 1-based line of the suppression comment. */
  line: number;
}

/** A finding a suppression comment silenced; kept for SARIF (`suppressions`) and audits. */
export interface SuppressedDiagnostic extends Diagnostic {
  suppressions: Suppression[];
}

/** The outcome of linting one file. */
export interface LintResult {
  /** The name the diagnostics carry (as the caller gave it). */
  filePath: string;
  /** Sorted by line, column, rule id. */
  messages: Diagnostic[];
  suppressedMessages: SuppressedDiagnostic[];
  errorCount: number;
  warningCount: number;
  /**
   * Whether a server would activate this file: true iff loadPolicy reported
   * no error. (errorCount can still be > 0 when a warning rule was raised to
   * error with a rule setting.)
   */
  loadable: boolean;
}
