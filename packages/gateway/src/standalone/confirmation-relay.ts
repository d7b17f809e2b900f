import type { Logger } from 'pino';
import {
  ErrorCode,
  ErrorMessage,
  isRevocationEnvelope,
  LegacyError,
  type Backend,
  type BackendEvent,
  type BackendReply,
  type ConfirmedBlock,
  type JsonObject,
  type ResponseEnvelope,
} from '@nano-access/protocol';
import { GatewayErrorCode } from '../errors';
import type { SubscriptionUpstream } from '../ws/ws-service';

/** The part of the IPC client the relay uses (IpcClient). */
export interface RelayIpcClient {
  call(envelope: { message_type: string; message: JsonObject; credentials?: string }): Promise<ResponseEnvelope>;
  on(event: 'event', listener: (envelope: ResponseEnvelope) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

export interface ConfirmationRelayOptions {
  /** A fresh client for the IPC server (one per connection attempt). */
  createClient: () => RelayIpcClient;
  /** The gateway's own credentials for the upstream subscription ([websocket] upstream_credentials_file); none: the default user. */
  credentials?: string;
  logger?: Logger;
  /** First delay before reconnecting, ms (default 250); doubled after each failure up to maxBackoffMs. */
  initialBackoffMs?: number;
  /** Longest delay between attempts, ms (default 30000). */
  maxBackoffMs?: number;
}

/**
 * The standalone gateway's source of confirmations: one TopicConfirmation subscription to the IPC
 * server over encoding 4, with the gateway's own credentials, whatever the number of WebSocket
 * subscribers. It is a protocol Backend, so a local Dispatcher over it does what it does in
 * process: authorizes each socket's subscription against the gateway's policy, filters events per
 * subscription, re-checks on reload. The upstream asks for everything (every type, block and
 * election info); filtering is per socket, here. Lost (connection closed, subscription refused or
 * revoked upstream): reconnects with exponential backoff and says so through onStatus.
 * Not started until the first WebSocket subscription.
 */
export class ConfirmationRelay implements Backend, SubscriptionUpstream {
  readonly kind = 'ipc-relay';
  private readonly listeners = new Set<(event: BackendEvent) => void>();
  private readonly statusListeners = new Set<(up: boolean) => void>();
  private client: RelayIpcClient | null = null;
  private closed = false;
  private current: SubscriptionUpstream['state'] = 'idle';
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ConfirmationRelayOptions) {
    this.backoffMs = options.initialBackoffMs ?? 250;
  }

  get state(): SubscriptionUpstream['state'] {
    return this.current;
  }

  /** Starts the upstream subscription once; later calls do nothing. */
  start(): void {
    if (this.current !== 'idle' || this.closed) return;
    this.current = 'connecting';
    void this.connect();
  }

  onStatus(listener: (up: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  subscribe(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Only subscriptions reach this backend: anything else is an internal error. */
  message(): Promise<BackendReply> {
    return Promise.resolve({ ok: false, code: ErrorCode.exception, message: ErrorMessage.internal });
  }

  legacy(): Promise<JsonObject> {
    return Promise.resolve({ error: LegacyError.internal });
  }

  /** The standalone gateway never stops on an upstream's behalf. */
  requestStop(): void {}

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.listeners.clear();
    this.statusListeners.clear();
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = this.options.createClient();
    this.client = client;
    client.on('error', () => undefined);
    client.on('disconnect', () => this.lost(client, 'the IPC connection closed'));
    client.on('event', (envelope) => {
      if (client !== this.client) return;
      if (envelope.message_type === 'EventConfirmation') this.relay(envelope.message);
      else if (isRevocationEnvelope(envelope)) this.lost(client, 'the IPC server revoked the subscription');
    });
    const envelope: { message_type: string; message: JsonObject; credentials?: string } = {
      message_type: 'TopicConfirmation',
      message: { options: { include_block: true, include_election_info: true } },
    };
    if (this.options.credentials !== undefined) envelope.credentials = this.options.credentials;
    let answer: ResponseEnvelope;
    try {
      answer = await client.call(envelope);
    } catch (error) {
      this.lost(client, (error as Error).message);
      return;
    }
    if (client !== this.client) return;
    if (answer.message_type !== 'EventAck') {
      const detail = `the IPC server refused the subscription: ${String(answer.message.message)}`;
      this.lost(client, detail);
      return;
    }
    this.backoffMs = this.options.initialBackoffMs ?? 250;
    this.setUp(true);
    this.options.logger?.info('websocket upstream subscription up');
  }

  private lost(client: RelayIpcClient, reason: string): void {
    if (client !== this.client || this.closed) return;
    this.client = null;
    void client.close().catch(() => undefined);
    this.setUp(false);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
    this.options.logger?.warn(
      { code: GatewayErrorCode.upstreamUnavailable, reason, retryInMs: delay },
      'websocket upstream subscription lost; reconnecting',
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private setUp(up: boolean): void {
    this.current = up ? 'up' : 'down';
    for (const listener of [...this.statusListeners]) {
      try {
        listener(up);
      } catch (error) {
        this.options.logger?.error({ err: error }, 'websocket upstream status listener failed');
      }
    }
  }

  private relay(message: JsonObject): void {
    const confirmation = confirmedBlock(message);
    if (confirmation === null) {
      this.options.logger?.warn('websocket upstream sent an EventConfirmation that is not one; dropped');
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener({ type: 'confirmation', confirmation });
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}

const CONFIRMATION_TYPES = new Set(['active_quorum', 'active_confirmation_height', 'inactive']);

/** EventConfirmation's message back into the backend's shape; null when it is not one. */
function confirmedBlock(message: JsonObject): ConfirmedBlock | null {
  const { account, amount, hash, confirmation_type: type, block, election_info: electionInfo } = message;
  if (typeof account !== 'string' || typeof amount !== 'string' || typeof hash !== 'string') return null;
  if (typeof type !== 'string' || !CONFIRMATION_TYPES.has(type)) return null;
  if (typeof block !== 'object' || block === null) return null;
  const confirmation: ConfirmedBlock = {
    account,
    amount,
    hash,
    confirmationType: type as ConfirmedBlock['confirmationType'],
    block: block as ConfirmedBlock['block'],
  };
  if (typeof electionInfo === 'object' && electionInfo !== null)
    confirmation.electionInfo = electionInfo as ConfirmedBlock['electionInfo'];
  return confirmation;
}
