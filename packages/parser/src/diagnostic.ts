/** A place in a source text: 1-based line and column, 0-based offset (UTF-16 code units). */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning';

/**
 * The ruleId of a diagnostic from outside any rule: the text is not TOML (or not TOML 1.0), or
 * not UTF-8. Every diagnostic has a rule id, since SARIF and the github format need one.
 */
export const TOML_SYNTAX_RULE_ID = 'toml-syntax';

/**
 * The one problem shape of the whole project: parser problems, compile
 * problems, lint findings and reload rejections are all Diagnostics.
 */
export interface Diagnostic {
  /** Stable rule id (docs/rules.md). */
  ruleId: string;
  severity: Severity;
  /** One sentence; ends with "Did you mean …?" when a near name exists. */
  message: string;
  /** camelCase, stable: what tests assert on. */
  messageId?: string;
  file: string;
  span: Span;
  /** The file could not be read as a policy at all (e.g. TOML syntax). */
  fatal?: boolean;
}

/** A half-open range of offsets [start, end) into the source text. Cheap to keep; turned into a Span only when a diagnostic is made. */
export interface SourceRange {
  start: number;
  end: number;
}
