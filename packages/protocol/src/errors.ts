import { defineErrorCodes, listErrorCodes, NanoAccessError, type ErrorCodeOf } from '@nano-access/resolver';
import type { JsonObject, ResponseEnvelope } from './types';

/**
 * The node's error codes (nano::error_common) used in Error envelopes. The
 * numbering is the reference node's, so clients written for it read ours.
 */
export const ErrorCode = {
  /** error_common::generic: invalid message format, unknown message type, other request errors. */
  generic: 1,
  /** error_common::exception: the server could not complete the request (internal failure, upstream node down). */
  exception: 2,
  /** error_common::access_denied */
  accessDenied: 3,
  /** error_common::account_not_found */
  accountNotFound: 4,
  /** error_common::bad_account_number */
  badAccountNumber: 7,
  /**
   * This project's own, outside the node's numbering (which ends in the forties), and HTTP's 429:
   * the request was refused by the rate limiter; retry after the seconds the message names.
   */
  rateLimited: 429,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The fixed messages that go with the codes (the node's wording). */
export const ErrorMessage = {
  accessDenied: 'Access denied',
  badAccountNumber: 'Bad account number',
  accountNotFound: 'Account not found',
  unknownMessageType: 'Unknown message type',
  invalidFormatPrefix: 'Invalid message format: ',
  sessionRequired: 'Subscriptions need a session (a persistent connection)',
  serviceNotRegistered: 'Service not registered on this session',
  tooManyServices: 'Too many services registered on this session: max_services_per_connection',
  internal: 'Internal error',
  reloadUnavailable: 'AccessReload is not available on this server (it holds no reloadable access file)',
  reloadClosed: 'The server is stopping: the access file was not reloaded',
  /** Followed by ": retry after <n> s" (see rateLimitedText). */
  rateLimited: 'Rate limit exceeded',
} as const;

/** Legacy RPC error bodies (`{"error": …}`), the node's wording. */
export const LegacyError = {
  unknownCommand: 'Unknown command',
  unsafe: 'Unsafe RPC not allowed',
  accessDenied: 'Access denied',
  unableToParse: 'Unable to parse JSON',
  /** A legacy frame whose framing could not be read (IPC encodings 1/2), before the detail. */
  invalidRequestPrefix: 'Invalid request: ',
  internal: 'Internal server error in RPC',
  /** A catalog action the embedded backend does not answer (with `code`: NOT_IMPLEMENTED_CODE). Never "Unknown command", which means the catalog does not know it. */
  notImplemented: 'Not implemented by the embedded backend',
  /** The gateway's response caps (refuse mode) refused a `count` (with `code`: COUNT_OVER_CAP_CODE). */
  countOverCap: 'count is over the response cap',
  /** The gateway's response caps refused a list with too many entries (with `code`: LIST_OVER_CAP_CODE). */
  listOverCap: 'Too many entries for the response cap',
  /** The rate limiter refused the request (with `code`: RATE_LIMITED_CODE); followed by ": retry after <n> s". */
  rateLimited: 'Rate limit exceeded',
} as const;

/**
 * Stable codes of the programming errors this package throws, and of the events it logs in a
 * `code` field (documented in docs/errors.md under "Protocol"). Bad input never throws: it is
 * answered with an Error envelope or a legacy `{"error": …}` body.
 */
export const ProtocolErrorCode = defineErrorCodes({
  /** The embedded backend's ledger file cannot be read or is not a ledger. */
  ledgerInvalid: 'NA_PROTOCOL_LEDGER_INVALID',
  /** A backend was given an option out of range (a programming error). */
  badOption: 'NA_PROTOCOL_BAD_OPTION',
  /** Not thrown: the `code` of a legacy answer for an action the backend does not implement. */
  notImplemented: 'NA_PROTOCOL_NOT_IMPLEMENTED',
  /** Not thrown: logged in a `code` field by the node-rpc backend. */
  upstreamBudgetExceeded: 'NA_PROTOCOL_UPSTREAM_BUDGET_EXCEEDED',
  /** Not thrown: the `code` of a legacy answer refused for a `count` over the gateway's response cap. */
  countOverCap: 'NA_PROTOCOL_COUNT_OVER_CAP',
  /** Not thrown: the `code` of a legacy answer refused for a list (`accounts`, `hashes`) over the response cap. */
  listOverCap: 'NA_PROTOCOL_LIST_OVER_CAP',
  /** Not thrown: the `code` of a legacy answer refused by the rate limiter (HTTP 429 with Retry-After). */
  rateLimited: 'NA_PROTOCOL_RATE_LIMITED',
});

export type ProtocolErrorCode = ErrorCodeOf<typeof ProtocolErrorCode>;

/** Every NA_PROTOCOL_* code (each has a section in docs/errors.md). */
export const errorCodes = listErrorCodes(ProtocolErrorCode);

/** The `code` of a legacy answer for an action the backend does not implement. */
export const NOT_IMPLEMENTED_CODE = ProtocolErrorCode.notImplemented;
/** The `code` of a legacy answer refused by the rate limiter; HTTP 429 with Retry-After. */
export const RATE_LIMITED_CODE = ProtocolErrorCode.rateLimited;
/** The `code` of a legacy answer refused for a `count` over the gateway's response cap. */
export const COUNT_OVER_CAP_CODE = ProtocolErrorCode.countOverCap;
/** The `code` of a legacy answer refused for a list over the gateway's response cap. */
export const LIST_OVER_CAP_CODE = ProtocolErrorCode.listOverCap;

/** A programming or setup error (bad ledger file, bad option), with a stable code. */
export class ProtocolError extends NanoAccessError<ProtocolErrorCode> {}

/** A response envelope. `time` is now, in milliseconds since the epoch. */
export function makeEnvelope(messageType: string, message: JsonObject, correlationId?: string): ResponseEnvelope {
  const envelope: ResponseEnvelope = { time: Date.now(), message_type: messageType, message };
  if (correlationId !== undefined) envelope.correlation_id = correlationId;
  return envelope;
}

/** An Error envelope: `{"message_type": "Error", "message": {"code", "message"}}`. */
export function errorEnvelope(code: number, message: string, correlationId?: string): ResponseEnvelope {
  return makeEnvelope('Error', { code, message }, correlationId);
}

/** The Error envelope of a request that could not be read: code 1, "Invalid message format: <detail>". */
export function invalidFormatEnvelope(detail: string, correlationId?: string): ResponseEnvelope {
  return errorEnvelope(ErrorCode.generic, `${ErrorMessage.invalidFormatPrefix}${detail}`, correlationId);
}

/** A legacy RPC error body, `{"error": <message>}`. */
export function legacyErrorBody(message: string): { error: string } {
  return { error: message };
}

/** "Rate limit exceeded: retry after <n> s": the text of both rate-limit refusals. */
function rateLimitedText(retryAfterSeconds: number): string {
  return `${ErrorMessage.rateLimited}: retry after ${retryAfterSeconds} s`;
}

/** The Error envelope of a request the rate limiter refused: code 429, the seconds to wait in the text. */
export function rateLimitedEnvelope(retryAfterSeconds: number, correlationId?: string): ResponseEnvelope {
  return errorEnvelope(ErrorCode.rateLimited, rateLimitedText(retryAfterSeconds), correlationId);
}

/** The legacy body of a request the rate limiter refused: `{"error": …, "code": "NA_PROTOCOL_RATE_LIMITED"}`. */
export function rateLimitedLegacyBody(retryAfterSeconds: number): { error: string; code: string } {
  return { error: rateLimitedText(retryAfterSeconds), code: RATE_LIMITED_CODE };
}

/** How the message of a pushed revocation ends (see revocationEnvelope). */
export const REVOCATION_SUFFIX = ' revoked by a policy change';
const REVOCATION_PREFIX = `${ErrorMessage.accessDenied}: `;

/**
 * The Error envelope pushed to a session when a policy change revokes what it held: code 3, the
 * message naming the topic ("Access denied: TopicConfirmation revoked by a policy change"), the
 * subscription's correlation id. No answer to a request has this message, so a client tells it
 * from an answer as it tells an event (isRevocationEnvelope).
 */
export function revocationEnvelope(topic: string, correlationId?: string): ResponseEnvelope {
  return errorEnvelope(ErrorCode.accessDenied, `${REVOCATION_PREFIX}${topic}${REVOCATION_SUFFIX}`, correlationId);
}

/** True for a pushed revocation (revocationEnvelope), as opposed to an answer. */
export function isRevocationEnvelope(envelope: { message_type?: unknown; message?: unknown }): boolean {
  if (envelope.message_type !== 'Error' || typeof envelope.message !== 'object' || envelope.message === null)
    return false;
  const { code, message } = envelope.message as { code?: unknown; message?: unknown };
  return (
    code === ErrorCode.accessDenied &&
    typeof message === 'string' &&
    message.startsWith(REVOCATION_PREFIX) &&
    message.endsWith(REVOCATION_SUFFIX)
  );
}

/** True for an Error envelope. */
export function isErrorEnvelope(envelope: ResponseEnvelope): boolean {
  return envelope.message_type === 'Error';
}
