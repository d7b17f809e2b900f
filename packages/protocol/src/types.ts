import type { Backend } from './backend';
import type { TransportCredentials } from './credentials';
import type { DecisionRecord } from './decision-record';

/** A JSON object as the protocol passes it around. */
export type JsonObject = Record<string, unknown>;

/**
 * An answer given at once, or a (native) promise of it once something asynchronous (a node, an
 * IPC server, a reload) has answered. The embedded backend answers at once, and so does the
 * Dispatcher for every request it refuses or answers from it: no promise, no microtask turn.
 * `await` reads either form; test `instanceof Promise` to answer a value in the same turn.
 */
export type PromiseOrValue<T> = T | Promise<T>;

/** A response (or pushed event) envelope, as the node's JSON. */
export interface ResponseEnvelope {
  /** Milliseconds since the epoch when the message was produced. */
  time: number;
  message_type: string;
  correlation_id?: string;
  message: JsonObject;
}

/** A request envelope after validation. */
export interface RequestEnvelope {
  credentials?: string;
  correlation_id?: string;
  message_type: string;
  message: JsonObject;
}

/** One per IPC connection; the gateway makes one per HTTP request. Events are pushed through it. */
export interface Session {
  readonly id: string;
  push(envelope: ResponseEnvelope): void;
}

export interface RequestContext {
  /** What the transport read (the gateway's headers and path); the envelope's own are merged with it by mergeCredentials. */
  credentials?: TransportCredentials;
  correlationId?: string;
  session?: Session;
  transport: 'ipc' | 'http';
  /**
   * Control is allowed on this transport: the gateway's `enable_control`, the IPC transport's
   * `allow_unsafe`. Absent is false. Stopping the node (ServiceStop "node") needs it.
   */
  controlAllowed?: boolean;
  /** When present, the dispatcher fills it with who asked and what decided (the gateway's log_rpc). */
  decision?: DecisionRecord;
  /**
   * The client's address: as the gateway resolved it (the peer, or with trust_proxy the first
   * untrusted X-Forwarded-For hop; IPv4-mapped IPv6 as IPv4), or an IPC TCP connection's peer;
   * absent on a unix socket. The rate limiter's bucket for the default user and unknown credentials.
   */
  clientAddress?: string;
  /**
   * Set by the dispatcher when the rate limiter refused the request: whole seconds (≥ 1) before a
   * retry may pass (the gateway's Retry-After). Left alone otherwise.
   */
  retryAfter?: number;
}

export interface LegacyContext {
  /** IPC encoding 2 with the transport's allow_unsafe, or the gateway's enable_control. */
  unsafeAllowed: boolean;
  /** Authorize the action's permission for these credentials (gateway: true; IPC encodings 1/2: false, trusted by transport). */
  authorize: boolean;
  /** What the transport read; merged by mergeCredentials (sources that disagree are denied). */
  credentials?: TransportCredentials;
  /**
   * Answers in place of the backend once every check has passed (the gateway's response caps and
   * cache); absent, the backend answers. It runs after authorization, so it sees only allowed requests.
   */
  forward?: LegacyForward;
  /** When present (and `authorize`), filled with who asked and what decided (the gateway's log_rpc). */
  decision?: DecisionRecord;
  /** The client's address as the gateway resolved it (see RequestContext.clientAddress); rate limits apply only when `authorize`. */
  clientAddress?: string;
}

/** See LegacyContext.forward: the request as authorized, and the backend that would answer it. */
export type LegacyForward = (
  request: JsonObject & { action: string },
  backend: Pick<Backend, 'legacy'>,
) => PromiseOrValue<JsonObject>;

export type LegacyOutcome =
  'ok' | 'denied' | 'unsafe' | 'unknown' | 'not_implemented' | 'invalid' | 'error' | 'rate_limited';

export interface LegacyResult {
  outcome: LegacyOutcome;
  /** The legacy JSON body to send: the backend's answer, or {"error": "Access denied" | "Unsafe RPC not allowed" | "Unknown command" | …}. */
  body: JsonObject;
  /** With `rate_limited`: whole seconds (≥ 1) before a retry may pass (the gateway's Retry-After). */
  retryAfter?: number;
}

/** Outcome of one v2 message, as counted by the dispatcher. */
export type MessageOutcome = 'ok' | 'denied' | 'invalid' | 'unknown' | 'error' | 'rate_limited';

/** The message of an AccessReloadResponse: what a reload asked over the API did. */
export interface AccessReloadOutcome {
  /** reloaded: a new policy is active; unchanged: same content; rejected: kept the active one; missing: no file, kept. */
  outcome: 'reloaded' | 'unchanged' | 'rejected' | 'missing';
  /** The active generation after the reload. */
  generation: number;
  /** The active policy's hash label (first 16 hex digits of the file's sha256, or "none"), as /metrics shows it. */
  hash: string;
  /** A rejected file's errors: `at` is file:line:col; ids are never in the message. */
  errors?: Array<{ at: string; message: string; rule?: string }>;
  /** Why a file could not be read at all (too large, unsafe mode, not UTF-8, …). */
  error?: { code: string; message: string };
}

/**
 * Re-reads the access policy through the server's store (the one SIGHUP and the file watch use);
 * null when the store is closed (the server is stopping).
 */
export type AccessReloader = () => Promise<AccessReloadOutcome | null>;
