import type { Diagnostic } from '@nano-access/parser';

/** The access file has errors at first start: the caller prints the diagnostics and exits non-zero. */
export const POLICY_INVALID = 'NA_RELOAD_POLICY_INVALID';
/** The access file exists but the system refused to read it (permissions, an I/O error …). */
export const READ_FAILED = 'NA_RELOAD_READ_FAILED';
/** The path names something other than a regular file (a FIFO, a device, a directory, a socket). */
export const NOT_A_FILE = 'NA_RELOAD_NOT_A_FILE';
/** The access file is larger than the configured limit. */
export const FILE_TOO_LARGE = 'NA_RELOAD_FILE_TOO_LARGE';
/** Reading the access file did not finish within the configured time. */
export const READ_TIMEOUT = 'NA_RELOAD_READ_TIMEOUT';
/** The access file is not valid UTF-8 (its first bad byte has a line and column). */
export const NOT_UTF8 = 'NA_RELOAD_NOT_UTF8';
/** The access file or its directory can be changed by someone other than its owner or root. */
export const FILE_UNSAFE = 'NA_RELOAD_FILE_UNSAFE';
/** The file-system watch could not be set up or failed later; SIGHUP and reload() still work. */
export const WATCH_FAILED = 'NA_RELOAD_WATCH_FAILED';
/** The worker thread that reads, parses and compiles a large access file failed or died: the reload fails closed. */
export const WORKER_FAILED = 'NA_RELOAD_WORKER_FAILED';
/** The store was used after close() (a programming error). */
export const STORE_CLOSED = 'NA_RELOAD_STORE_CLOSED';

export const errorCodes: readonly string[] = Object.freeze([
  POLICY_INVALID,
  READ_FAILED,
  NOT_A_FILE,
  FILE_TOO_LARGE,
  READ_TIMEOUT,
  NOT_UTF8,
  FILE_UNSAFE,
  WATCH_FAILED,
  WORKER_FAILED,
  STORE_CLOSED,
]);

/** Why an access file could not be read as text (the strict reader's failures). */
export type ReadErrorCode =
  typeof READ_FAILED | typeof NOT_A_FILE | typeof FILE_TOO_LARGE | typeof READ_TIMEOUT | typeof NOT_UTF8;

export type PolicyStoreErrorCode =
  | ReadErrorCode
  | typeof POLICY_INVALID
  | typeof FILE_UNSAFE
  | typeof WATCH_FAILED
  | typeof WORKER_FAILED
  | typeof STORE_CLOSED;

/** The one error class of the reloader; `code` is stable, `diagnostics` says what was wrong with the file. */
export class PolicyStoreError extends Error {
  override readonly name = 'PolicyStoreError';
  readonly code: PolicyStoreErrorCode;
  /** Every diagnostic of the rejected file (messages with credentials redacted), sorted. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(
    code: PolicyStoreErrorCode,
    message: string,
    diagnostics: readonly Diagnostic[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.diagnostics = diagnostics;
  }
}
