import type { Diagnostic, Severity, SourceRange } from './diagnostic';
import type { SourceText } from './source-text';

/** Collects diagnostics for one file; turns ranges into spans only here. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    readonly source: SourceText,
  ) {}

  report(
    ruleId: string,
    severity: Severity,
    messageId: string,
    message: string,
    range: SourceRange,
    fatal?: boolean,
  ): void {
    const diagnostic: Diagnostic = {
      ruleId,
      severity,
      message,
      messageId,
      file: this.file,
      span: this.source.span(range),
    };
    if (fatal) diagnostic.fatal = true;
    this.diagnostics.push(diagnostic);
  }

  error(ruleId: string, messageId: string, message: string, range: SourceRange): void {
    this.report(ruleId, 'error', messageId, message, range);
  }

  warning(ruleId: string, messageId: string, message: string, range: SourceRange): void {
    this.report(ruleId, 'warning', messageId, message, range);
  }

  /** The 1-based line of an offset, for messages that point at a first definition. */
  lineOf(offset: number): number {
    return this.source.positionAt(offset).line;
  }
}
