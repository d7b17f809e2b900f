export { lintText, securityFindings } from './lint-text';
export type { LintOptions, LoadedFile } from './lint-text';
export type { LintResult, SuppressedDiagnostic, Suppression } from './lint-result';
export { defineRule, isSecurityRule } from './define-rule';
export type { Rule, RuleContext, RuleMeta, RuleSource, ReportDescriptor } from './define-rule';
export { rules, rulesById } from './rules/index';
export { checkRuleSetting, parseRuleSettings, LinterError, LinterErrorCode } from './rule-settings';
export type { RuleLevel, RuleSettings } from './rule-settings';
export { formatters, formatNames } from './formatters/index';
export type { FormatName } from './formatters/index';
export type { Formatter, FormatterContext } from './formatters/formatter';
export { describeUserAt, maskId } from './mask-id';
export { IdMasker, maskIdsInDiagnostics } from './mask-ids';
export type { IdSource } from './mask-ids';
export { describeDeny, describeGrant } from './derivation-text';
export { RULES_DOCS_URL } from './docs-url';
export { buildMatrix } from './matrix/build-matrix';
export { matrixFromText } from './matrix/matrix-from-text';
export type { AccessMatrix, MatrixUser } from './matrix/build-matrix';
export { renderMatrixText } from './matrix/render-text';
export { renderMatrixCsv } from './matrix/render-csv';
export { renderMatrixJson } from './matrix/render-json';
export { renderMatrixHtml } from './matrix/render-html';

import { LinterErrorCode } from './rule-settings';

/** Every stable error code this package can throw (docs/errors.md). */
export const errorCodes: readonly string[] = Object.values(LinterErrorCode);
