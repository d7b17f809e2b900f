export { lintText, securityFindings } from './lint-text';
export type { LintOptions, LoadedFile } from './lint-text';
export type { LintResult, SuppressedDiagnostic, Suppression } from './lint-result';
export { defineRule, isSecurityRule } from './define-rule';
export type { Rule, RuleContext, RuleMeta, RuleSource, ReportDescriptor } from './define-rule';
export { rules, rulesById } from './rules/index';
export { checkRuleSetting, parseRuleSettings } from './rule-settings';
export { errorCodes, LinterError, LinterErrorCode } from './errors';
export type { RuleLevel, RuleSettings } from './rule-settings';
export { formatters, formatNames } from './formatters/index';
export type { FormatName } from './formatters/index';
export type { Formatter, FormatterContext } from './formatters/formatter';
export { describeUserAt, maskId } from './mask-id';
export { IdMasker, maskIdsInDiagnostics } from './mask-ids';
export type { IdSource } from './mask-ids';
export { repoRelativePath } from './formatters/repo-path';
export { describeDecision, describeDeny, describeGrant } from './derivation-text';
export { RULES_DOCS_URL } from './docs-url';
export { buildMatrix } from './matrix/build-matrix';
export { matrixFromText } from './matrix/matrix-from-text';
export type { AccessMatrix, MatrixUser } from './matrix/build-matrix';
export { renderMatrixText } from './matrix/render-text';
export { renderMatrixCsv } from './matrix/render-csv';
export { renderMatrixJson } from './matrix/render-json';
export { renderMatrixHtml } from './matrix/render-html';
export { diffPolicies } from './diff/diff-policies';
export type { DiffSide, PermissionChange, PolicyDiff, UserChange, UserChangeStatus } from './diff/diff-policies';
export { diffTexts } from './diff/diff-texts';
export type { DiffInput, DiffTextsResult } from './diff/diff-texts';
export { diffFormatters, diffFormatNames } from './diff/index';
export type { DiffFormatContext, DiffFormatName } from './diff/index';
export { renderDiffText } from './diff/render-text';
export { renderDiffJson } from './diff/render-json';
export { renderDiffMarkdown } from './diff/render-markdown';
export type { MarkdownOptions } from './diff/render-markdown';
export { renderDiffGithub } from './diff/render-github';
export { parseAccessTest, accessTestSchema, DEFAULT_USER_NAME } from './access-test/parse-access-test';
export type {
  AccessTest,
  AliasDefinition,
  AliasSource,
  Expectation,
  NameAt,
  ParsedAccessTest,
} from './access-test/parse-access-test';
export { runAccessTest, accessTestResultOf } from './access-test/run-access-test';
export type { AccessTestMessage, AccessTestResult, PolicyUnderTest } from './access-test/run-access-test';
export { accessTestFormatters, accessTestFormatNames } from './access-test/formatters';
export type { AccessTestFormatName, AccessTestFormatter, AccessTestFormatterContext } from './access-test/formatters';
export type { GithubDiffOptions } from './diff/render-github';
