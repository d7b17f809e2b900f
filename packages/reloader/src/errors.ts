import {
  defineErrorCodes,
  listErrorCodes,
  NanoAccessError,
  type Diagnostic,
  type ErrorCodeOf,
} from '@nano-access/parser';

/** Stable codes of the reloader's errors (each has a section in docs/errors.md). */
export const ReloadErrorCode = defineErrorCodes({
  /** The access file has errors at first start: the caller prints the diagnostics and exits non-zero. */
  policyInvalid: 'NA_RELOAD_POLICY_INVALID',
  /** The access file exists but the system refused to read it (permissions, an I/O error …). */
  readFailed: 'NA_RELOAD_READ_FAILED',
  /** The path names something other than a regular file (a FIFO, a device, a directory, a socket). */
  notAFile: 'NA_RELOAD_NOT_A_FILE',
  /** The access file is larger than the configured limit. */
  fileTooLarge: 'NA_RELOAD_FILE_TOO_LARGE',
  /** Reading the access file did not finish within the configured time. */
  readTimeout: 'NA_RELOAD_READ_TIMEOUT',
  /** The access file is not valid UTF-8 (its first bad byte has a line and column). */
  notUtf8: 'NA_RELOAD_NOT_UTF8',
  /** The access file or its directory can be changed by someone other than its owner or root. */
  fileUnsafe: 'NA_RELOAD_FILE_UNSAFE',
  /** The file-system watch could not be set up or failed later; SIGHUP and reload() still work. */
  watchFailed: 'NA_RELOAD_WATCH_FAILED',
  /** The worker thread that reads, parses and compiles a large access file failed or died: the reload fails closed. */
  workerFailed: 'NA_RELOAD_WORKER_FAILED',
  /** The store was used after close() (a programming error). */
  storeClosed: 'NA_RELOAD_STORE_CLOSED',
});

export const errorCodes = listErrorCodes(ReloadErrorCode);

export type PolicyStoreErrorCode = ErrorCodeOf<typeof ReloadErrorCode>;

/** Why an access file could not be read as text (the strict reader's failures). */
export type ReadErrorCode = ErrorCodeOf<
  Pick<typeof ReloadErrorCode, 'readFailed' | 'notAFile' | 'fileTooLarge' | 'readTimeout' | 'notUtf8'>
>;

/** The one error class of the reloader; `code` is stable, `diagnostics` says what was wrong with the file. */
export class PolicyStoreError extends NanoAccessError<PolicyStoreErrorCode> {
  /** Every diagnostic of the rejected file (messages with credentials redacted), sorted. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(
    code: PolicyStoreErrorCode,
    message: string,
    diagnostics: readonly Diagnostic[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.diagnostics = diagnostics;
  }
}
