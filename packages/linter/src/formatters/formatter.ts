import type { LintResult } from '../lint-result';
import type { Rule } from '../define-rule';

/** What a formatter may know besides the results. Formatters do no I/O. */
export interface FormatterContext {
  /** Where relative file paths start (the working directory of the run). */
  cwd: string;
  /** The repository root, for SARIF's and GitHub's repository-relative paths; default cwd. */
  repoRoot?: string;
  /** Colour (ANSI) in `stylish`; true only when the output is a terminal. */
  color?: boolean;
  /** Every rule, for SARIF's rules[]. */
  rules: readonly Rule[];
  /** The tool's version, for SARIF. */
  toolVersion?: string;
  /** Base URL of docs/rules.md, for helpUri; default RULES_DOCS_URL. */
  docsUrl?: string;
}

export type Formatter = (results: readonly LintResult[], context: FormatterContext) => string;
