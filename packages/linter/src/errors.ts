import { defineErrorCodes, listErrorCodes, NanoAccessError, type ErrorCodeOf } from '@nano-access/parser';

/** Stable codes of the errors the linter throws for programmer errors (docs/errors.md). */
export const LinterErrorCode = defineErrorCodes({
  /** lintText was given rule settings that checkRuleSetting refuses. */
  ruleSettingInvalid: 'NA_LINT_RULE_SETTING_INVALID',
});

export type LinterErrorCode = ErrorCodeOf<typeof LinterErrorCode>;

/** Every stable error code this package can throw. */
export const errorCodes = listErrorCodes(LinterErrorCode);

/** A programmer error: lintText was given rule settings that checkRuleSetting refuses. */
export class LinterError extends NanoAccessError<LinterErrorCode> {}
