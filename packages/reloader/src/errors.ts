import type { Diagnostic } from '@nano-access/parser';

/** The access file has errors at first start: the caller prints the diagnostics and exits non-zero. */
export const POLICY_INVALID = 'NA_RELOAD_POLICY_INVALID';
/** The access file exists but could not be read (permissions, a directory, not UTF-8 …). */
export const READ_FAILED = 'NA_RELOAD_READ_FAILED';
/** The file-system watch could not be set up or failed later; SIGHUP and reload() still work. */
export const WATCH_FAILED = 'NA_RELOAD_WATCH_FAILED';
/** The store was used after close() (a programming error). */
export const STORE_CLOSED = 'NA_RELOAD_STORE_CLOSED';

export const errorCodes: readonly string[] = Object.freeze([POLICY_INVALID, READ_FAILED, WATCH_FAILED, STORE_CLOSED]);

export type PolicyStoreErrorCode = typeof POLICY_INVALID | typeof READ_FAILED | typeof WATCH_FAILED | typeof STORE_CLOSED;

/** The one error class of the reloader; `code` is stable, `diagnostics` says what was wrong with the file. */
export class PolicyStoreError extends Error {
  override readonly name = 'PolicyStoreError';
  readonly code: PolicyStoreErrorCode;
  /** Every diagnostic of the rejected file (messages with credentials redacted), sorted. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: PolicyStoreErrorCode, message: string, diagnostics: readonly Diagnostic[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.diagnostics = diagnostics;
  }
}
