import { defineErrorCodes, listErrorCodes, NanoAccessError, type ErrorCodeOf } from '@nano-access/parser';

/**
 * Stable error codes of the IPC server and client. Each has a section in
 * docs/errors.md under "IPC server and client".
 */
export const IpcErrorCode = defineErrorCodes({
  /** config-node.toml could not be read, or has unknown keys / wrong types. */
  configInvalid: 'NA_IPC_CONFIG_INVALID',
  /** The unix socket path is served by a live process. */
  socketInUse: 'NA_IPC_SOCKET_IN_USE',
  /** The unix socket path exists and is not a socket (a file, a directory…). */
  socketPathNotSocket: 'NA_IPC_SOCKET_PATH_NOT_SOCKET',
  /** The unix socket path is longer than the OS allows (about 107 bytes). */
  socketPathTooLong: 'NA_IPC_SOCKET_PATH_TOO_LONG',
  /** A listener could not be opened (port taken, directory missing, permission). */
  listenFailed: 'NA_IPC_LISTEN_FAILED',
  /** The access-check secret file cannot be read. */
  accessFileUnreadable: 'NA_IPC_ACCESS_FILE_UNREADABLE',
  /** The access-check secret file is readable or writable by others. */
  accessFilePermissions: 'NA_IPC_ACCESS_FILE_PERMISSIONS',
  /** The access-check secret is empty or shorter than 16 bytes. */
  accessSecretWeak: 'NA_IPC_ACCESS_SECRET_WEAK',
  /** The access-check handshake failed (wrong secret, no check on the server, bad proof). */
  accessDenied: 'NA_IPC_ACCESS_DENIED',
  /** A frame's first four bytes are not 'N', a known encoding, 0, 0. */
  badPreamble: 'NA_IPC_BAD_PREAMBLE',
  /** A frame announced a length of zero. */
  frameEmpty: 'NA_IPC_FRAME_EMPTY',
  /** A frame announced a length over max_frame_bytes. */
  frameTooLarge: 'NA_IPC_FRAME_TOO_LARGE',
  /** A frame's length did not fit in the server's budget of request bytes in flight (max_inflight_bytes). */
  inflightBudgetExhausted: 'NA_IPC_INFLIGHT_BUDGET_EXHAUSTED',
  /** A frame (or the handshake) was not complete within io_timeout. */
  ioTimeout: 'NA_IPC_IO_TIMEOUT',
  /** A connection was refused because max_connections are open. */
  tooManyConnections: 'NA_IPC_TOO_MANY_CONNECTIONS',
  /**
   * A subscriber does not read its events (16 MiB unsent on its connection, or the most queued when
   * max_queued_event_bytes is exhausted); its connection was closed.
   */
  slowConsumer: 'NA_IPC_SLOW_CONSUMER',
  /** The client could not reach the server. */
  connectFailed: 'NA_IPC_CONNECT_FAILED',
  /** A client request got no response within its timeout. */
  requestTimeout: 'NA_IPC_REQUEST_TIMEOUT',
  /** The connection closed before the response arrived. */
  connectionClosed: 'NA_IPC_CONNECTION_CLOSED',
  /** A response could not be decoded (not JSON where JSON was expected). */
  badResponse: 'NA_IPC_BAD_RESPONSE',
  /** A client was given contradictory or invalid options (a programming error). */
  badOptions: 'NA_IPC_BAD_OPTIONS',
});

export type IpcErrorCodeValue = ErrorCodeOf<typeof IpcErrorCode>;

/** Every error code of this package, for the docs walker. */
export const errorCodes = listErrorCodes(IpcErrorCode);

/** An error of the IPC server or client, with a stable code. */
export class IpcError extends NanoAccessError<IpcErrorCodeValue> {}
