/**
 * What the gateway needs of a dispatcher. Protocol's `Dispatcher` satisfies it
 * structurally (in-process mode, no socket hop); the standalone mode's
 * `IpcDispatcher` satisfies it by forwarding over IPC. Declared here, not
 * imported, so the gateway depends only on the shape it uses.
 */

/** Credentials as a caller has them: absent or "" is the default user. */
export type Credentials = string | null | undefined;

export interface ResponseEnvelope {
  time: number;
  message_type: string;
  correlation_id?: string;
  message: Record<string, unknown>;
}

/** Events pushed to a connection; HTTP has nowhere to push, so the gateway's sessions drop them. */
export interface Session {
  readonly id: string;
  push(envelope: ResponseEnvelope): void;
}

export interface RequestContext {
  credentials?: Credentials;
  correlationId?: string;
  session?: Session;
  transport: 'ipc' | 'http';
}

export interface LegacyContext {
  unsafeAllowed: boolean;
  authorize: boolean;
  credentials?: Credentials;
}

export type LegacyOutcome = 'ok' | 'denied' | 'unsafe' | 'unknown' | 'invalid' | 'error';

export interface LegacyResult {
  outcome: LegacyOutcome;
  body: Record<string, unknown>;
}

/**
 * The dispatcher as the gateway uses it. The methods of protocol's Dispatcher
 * never reject; an adapter that forwards (IpcDispatcher) rejects with a
 * GatewayError when the upstream is unreachable, which the gateway answers with 502.
 */
export interface GatewayDispatcher {
  handleEnvelope(envelope: unknown, ctx: RequestContext): Promise<ResponseEnvelope>;
  handleMessage(messageType: string, message: unknown, ctx: RequestContext): Promise<ResponseEnvelope>;
  handleLegacy(request: unknown, ctx: LegacyContext): Promise<LegacyResult>;
  closeSession?(session: Session): void;
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
}
