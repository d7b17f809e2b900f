export type { Diagnostic, Position, Severity, SourceRange, Span } from './diagnostic';
export { TOML_SYNTAX_RULE_ID } from './diagnostic';
export type { AccessModel, NameRef, ParseOptions, ParseResult, RoleEntry, UserEntry } from './model';
export { SourceText } from './source-text';
export { UserColumns, USER_FLAG, USER_LIST } from './user-columns';
export {
  defaultUserOf,
  forEachUserId,
  hasCredentialedUser,
  userAt,
  userIdLengths,
  userIndexLookup,
} from './model-users';
export { parseAccessFile, DEFAULT_ACCESS_FILE } from './parse-access-file';
export { accessFileSchema } from './access-schema';
export { parseTomlConfig } from './parse-toml-config';
export type { ConfigSchema, TomlConfigOptions, TomlConfigResult } from './parse-toml-config';
export { suggest } from './suggest';
export { formatDiagnostic, sortDiagnostics, compareDiagnostics, hasErrors } from './format';
export { escapeControls, escapeControlsInJson } from './escape-controls';
export { ParserError, ParserErrorCode, errorCodes } from './errors';
export { NanoAccessError, defineErrorCodes, listErrorCodes } from './nano-access-error';
export type { ErrorCodeOf, ErrorCodeTable } from './nano-access-error';
export { judgeFileSafety, describeFileSafetyProblem, formatMode } from './file-safety';
export type { AccessFileFacts, FileSafety, FileSafetyProblem, ModeAudience, PathFacts } from './file-safety';
