import { defineErrorCodes, listErrorCodes, NanoAccessError, type ErrorCodeOf } from '@nano-access/parser';

/** Stable codes of the errors a gateway user can meet (each has a section in docs/errors.md). */
export const GatewayErrorCode = defineErrorCodes({
  /** config-rpc.toml has an error (unknown key, wrong type, bad TOML): the gateway does not start. */
  configInvalid: 'NA_GATEWAY_CONFIG_INVALID',
  /** config-rpc.toml could not be read (other than "does not exist", which means all defaults). */
  configUnreadable: 'NA_GATEWAY_CONFIG_UNREADABLE',
  /** [tls] is enabled but the certificate or key cannot be read or used. */
  tlsUnusable: 'NA_GATEWAY_TLS_UNUSABLE',
  /** The HTTP listener could not bind (address in use, permission). */
  listenFailed: 'NA_GATEWAY_LISTEN_FAILED',
  /** Request body larger than max_request_size, or (standalone) than the IPC server's frame limit (HTTP 413). */
  bodyTooLarge: 'NA_GATEWAY_BODY_TOO_LARGE',
  /** The bytes of request bodies in flight would pass max_request_bytes_in_flight (HTTP 503, connection closed). */
  bodyBudgetExceeded: 'NA_GATEWAY_BODY_BUDGET_EXCEEDED',
  /** Request JSON nested deeper than max_json_depth (HTTP 400). */
  jsonTooDeep: 'NA_GATEWAY_JSON_TOO_DEEP',
  /** Request body is not valid JSON, or not a JSON object where one is required (HTTP 400). */
  jsonMalformed: 'NA_GATEWAY_JSON_MALFORMED',
  /** HTTP method not allowed on this path (HTTP 405). */
  methodNotAllowed: 'NA_GATEWAY_METHOD_NOT_ALLOWED',
  /** No such path (HTTP 404). */
  notFound: 'NA_GATEWAY_NOT_FOUND',
  /** GET /metrics from an address outside the metrics allow list (HTTP 403). */
  metricsForbidden: 'NA_GATEWAY_METRICS_FORBIDDEN',
  /** A request or WebSocket upgrade from a client address that [client_addresses] refuses (HTTP 403, body unread). */
  addressDenied: 'NA_GATEWAY_ADDRESS_DENIED',
  /** /metrics or /healthz asked for by a Host name that is not an IP literal, localhost or in [metrics] allowed_hosts (HTTP 403). */
  hostNotAllowed: 'NA_GATEWAY_HOST_NOT_ALLOWED',
  /** A WebSocket upgrade whose Origin is not in [websocket] allowed_origins (HTTP 403). */
  wsOriginRefused: 'NA_GATEWAY_WS_ORIGIN_REFUSED',
  /** Standalone mode: the IPC server cannot be reached or dropped the connection (HTTP 502; the detail is logged only). */
  upstreamUnavailable: 'NA_GATEWAY_UPSTREAM_UNAVAILABLE',
  /** Standalone mode: the IPC server answered something that is not a valid response (HTTP 502). */
  upstreamInvalid: 'NA_GATEWAY_UPSTREAM_INVALID',
  /** More than [websocket] max_sockets WebSocket connections: the upgrade is answered 503. */
  wsTooManySockets: 'NA_GATEWAY_WS_TOO_MANY_SOCKETS',
  /**
   * A WebSocket subscriber held more than [websocket] max_buffered_bytes unsent, or held the most
   * when all sockets together passed max_total_buffered_bytes: closed (logged at warn).
   */
  wsSlowConsumer: 'NA_GATEWAY_WS_SLOW_CONSUMER',
  /** Standalone: [websocket] upstream_credentials_file cannot be read, or is empty: the gateway does not start. */
  wsCredentialsUnreadable: 'NA_GATEWAY_WS_CREDENTIALS_UNREADABLE',
  /** A programming error: an option out of range (e.g. an IPC pool of 0 connections). */
  badOption: 'NA_GATEWAY_BAD_OPTION',
  /** An unexpected failure inside the gateway (HTTP 500); a bug, logged with its stack. */
  internal: 'NA_GATEWAY_INTERNAL',
});

export type GatewayErrorCodeValue = ErrorCodeOf<typeof GatewayErrorCode>;

/** Every code, for docs/errors.md and its test. */
export const errorCodes = listErrorCodes(GatewayErrorCode);

/** The one error class the gateway throws (startup failures, upstream failures in standalone mode). */
export class GatewayError extends NanoAccessError<GatewayErrorCodeValue> {}
