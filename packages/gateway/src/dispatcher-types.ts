/**
 * What the gateway needs of a dispatcher. Protocol's `Dispatcher` satisfies it
 * structurally (in-process mode, no socket hop); the standalone mode's
 * `IpcDispatcher` satisfies it by forwarding over IPC. The message shapes are
 * protocol's own; only the dispatcher's methods are declared here.
 */

import type {
  LegacyContext,
  LegacyResult,
  PromiseOrValue,
  RequestContext,
  ResponseEnvelope,
  Session,
} from '@nano-access/protocol';
/** One caller's credentials, as a policy checks them: absent or "" is the default user. */
export type Credentials = string | null | undefined;

export type { LegacyContext, LegacyResult, PromiseOrValue, RequestContext, ResponseEnvelope, Session };
export type { LegacyOutcome } from '@nano-access/protocol';

/**
 * The dispatcher as the gateway uses it. The methods of protocol's Dispatcher
 * never reject; an adapter that forwards (IpcDispatcher) rejects with a
 * GatewayError when the upstream is unreachable, which the gateway answers with 502.
 * An answer given at once (a value, not a promise) is written in the same turn.
 */
export interface GatewayDispatcher {
  handleEnvelope(envelope: unknown, ctx: RequestContext): PromiseOrValue<ResponseEnvelope>;
  handleMessage(messageType: string, message: unknown, ctx: RequestContext): PromiseOrValue<ResponseEnvelope>;
  handleLegacy(request: unknown, ctx: LegacyContext): PromiseOrValue<LegacyResult>;
  closeSession?(session: Session): void;
  /** True when the dispatcher enforces [rate_limit] (protocol's Dispatcher with a rateLimiter, IpcDispatcher with one). */
  readonly limitsRate?: boolean;
}

/** The part of a compiled policy the gateway reads (labels for metrics; local legacy authorization). */
export interface GatewayPolicy {
  check(credentials: Credentials, permission: string): boolean;
  messagePermission(messageType: string): string | null | undefined;
  action(action: string): { permission: string; control: boolean } | undefined;
}

/** Holds the active policy: a reloader PolicyStore, or `{ current: policy }` in tests. */
export interface GatewayPolicySource {
  readonly current: GatewayPolicy;
  /** Prometheus text of the store (reload counts, …), appended to /metrics when present. */
  metrics?(): string;
  /** The active policy's generation and content hash (sha256 hex), shown by /healthz when present. */
  status?(): { generation: number; hash: string | null };
}
