import { defineErrorCodes, listErrorCodes, type ErrorCodeOf } from '@nano-access/parser';

/** Stable codes of the errors the command line itself reports (docs/errors.md). */
export const CliErrorCode = defineErrorCodes({
  fileUnreadable: 'NA_CLI_FILE_UNREADABLE',
  catalogInvalid: 'NA_CLI_CATALOG_INVALID',
  permissionUnknown: 'NA_CLI_PERMISSION_UNKNOWN',
  policyInvalid: 'NA_CLI_POLICY_INVALID',
  credentialsInvalid: 'NA_CLI_CREDENTIALS_INVALID',
  gitShowFailed: 'NA_CLI_GIT_SHOW_FAILED',
  reloadRefused: 'NA_CLI_RELOAD_REFUSED',
  reloadFailed: 'NA_CLI_RELOAD_FAILED',
});

export type CliErrorCode = ErrorCodeOf<typeof CliErrorCode>;

/** Every code the CLI writes (it reports them on stderr and exits; it throws none). */
export const errorCodes = listErrorCodes(CliErrorCode);
