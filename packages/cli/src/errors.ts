/** Stable codes of the errors the command line itself reports (docs/errors.md). */
export const CliErrorCode = {
  fileUnreadable: 'NA_CLI_FILE_UNREADABLE',
  catalogInvalid: 'NA_CLI_CATALOG_INVALID',
  permissionUnknown: 'NA_CLI_PERMISSION_UNKNOWN',
  policyInvalid: 'NA_CLI_POLICY_INVALID',
  credentialsInvalid: 'NA_CLI_CREDENTIALS_INVALID',
  gitShowFailed: 'NA_CLI_GIT_SHOW_FAILED',
  reloadRefused: 'NA_CLI_RELOAD_REFUSED',
  reloadFailed: 'NA_CLI_RELOAD_FAILED',
} as const;

export const errorCodes: readonly string[] = Object.values(CliErrorCode);
