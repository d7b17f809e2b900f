import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import {
  ErrorCode,
  ErrorMessage,
  isRevocationEnvelope,
  mergeCredentials,
  RATE_LIMITED_CODE,
  rateLimitedEnvelope,
  REFUSED_CREDENTIALS,
  revocationEnvelope,
  type JsonObject,
  type PromiseOrValue,
  type RequestContext,
  type ResponseEnvelope,
  type Session,
} from '@nano-access/protocol';
import type { WebSocketConfig } from '../config/rpc-config';
import { GatewayErrorCode } from '../errors';
import type { ClientAddresses } from '../http/client-address';
import { requestCredentials } from '../http/credentials';
import { gatewayHeaders } from '../http/request-headers';
import {
  ackMessage,
  errorMessage,
  eventMessage,
  noticeMessage,
  parseClientMessage,
  TOPIC_MESSAGE,
  WS_TOPICS,
  WsErrorMessage,
  type ClientMessage,
  type WsTopic,
} from './ws-messages';
import { WsMetrics, type WsClosure } from './ws-metrics';

/** The path WebSocket upgrades are accepted on. */
export const WS_PATH = '/api/v2/ws';

/**
 * What the WebSocket endpoint needs of a dispatcher: protocol's Dispatcher, which validates,
 * authorizes, registers subscriptions per Session, re-checks them on every reload and pushes
 * events to them. In process it is the server's own Dispatcher; standalone, a local Dispatcher
 * over the upstream relay (ConfirmationRelay).
 */
export interface SubscriptionDispatcher {
  handleMessage(messageType: string, message: unknown, ctx: RequestContext): PromiseOrValue<ResponseEnvelope>;
  closeSession(session: Session): void;
  /**
   * [rate_limit]: takes a token for a request that is not a subscription message (the upgrade, a
   * ping, an unreadable message), from the bucket the dispatcher's messages draw from: 0 when
   * admitted, else whole seconds until a retry may pass. Absent: no limit.
   */
  admitRequest?(ctx: RequestContext): number;
}

/** Standalone: the upstream subscription the events come from (started on the first subscription). */
export interface SubscriptionUpstream {
  start(): void;
  /** idle: not started; connecting: the first attempt is under way; then up, or down (retrying). */
  readonly state: 'idle' | 'connecting' | 'up' | 'down';
  /** Called with true when the upstream subscription comes up, false when it is lost. Returns the unsubscribe function. */
  onStatus(listener: (up: boolean) => void): () => void;
}

export interface WebSocketServiceOptions {
  config: WebSocketConfig;
  subscriptions: SubscriptionDispatcher;
  upstream?: SubscriptionUpstream;
  logger?: Logger;
  /** [client_addresses]: an upgrade from a refused address gets 403 before anything else. */
  clientAddresses?: ClientAddresses;
}

/** WebSocket close codes (RFC 6455). */
const CLOSE_POLICY = 1008;
const CLOSE_GOING_AWAY = 1001;

let nextSocketId = 1;

/**
 * Subscriptions over WebSocket at /api/v2/ws, authorized per user by the same Dispatcher as
 * IPC sessions: one Session per socket, so the registry, the permission check, the re-check on
 * reload and the event filters are protocol's, not this file's. This file speaks the node
 * WebSocket's protocol and holds the budgets: sockets, message size (ws maxPayload), bytes
 * buffered per socket (slow consumers are closed), and the time to present credentials.
 */
export class WebSocketService {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<WsClient>();
  /** Upgrades accepted and not yet closed (including those still in the handshake). */
  private held = 0;
  readonly metrics: WsMetrics;
  private readonly removeUpstreamListener: () => void;
  /**
   * Bytes waiting to be sent, all sockets together, as last seen: each socket's bufferedAmount
   * when it last sent, plus what it sent then. It only over-counts (buffers drain between sends),
   * so it is refreshed from every socket only when it passes max_total_buffered_bytes.
   */
  private bufferedTotal = 0;

  constructor(private readonly options: WebSocketServiceOptions) {
    this.metrics = new WsMetrics(options.config.maxSockets);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.config.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    const upstream = options.upstream;
    if (upstream !== undefined) {
      this.metrics.upstreamUp = upstream.state === 'up' ? 1 : 0;
      this.removeUpstreamListener = upstream.onStatus((up) => this.onUpstream(up));
    } else {
      this.removeUpstreamListener = () => undefined;
    }
  }

  /** The http(s) server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const addresses = this.options.clientAddresses;
    const clientAddress = addresses?.of(req) ?? req.socket.remoteAddress;
    if (addresses !== undefined && !addresses.admits(clientAddress)) {
      this.metrics.refuse('address');
      refuseUpgrade(socket, 403, 'Forbidden: this client address is not served', GatewayErrorCode.addressDenied);
      return;
    }
    if (pathOf(req.url) !== WS_PATH || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      this.metrics.refuse('not_found');
      refuseUpgrade(socket, 404, 'Not found', GatewayErrorCode.notFound);
      return;
    }
    if (this.held >= this.options.config.maxSockets) {
      this.metrics.refuse('max_sockets');
      refuseUpgrade(socket, 503, 'Too many WebSocket connections', GatewayErrorCode.wsTooManySockets);
      return;
    }
    // Browsers send cached Basic credentials (and cookies) on a cross-origin upgrade, and
    // WebSocket has no CORS: a page at any origin could act as the user. A browser always sends
    // Origin; clients that are not browsers send none and are not affected.
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, this.options.config.allowedOrigins)) {
      this.metrics.refuse('origin');
      refuseUpgrade(
        socket,
        403,
        'Forbidden: this Origin may not open a WebSocket (see [websocket] allowed_origins)',
        GatewayErrorCode.wsOriginRefused,
      );
      return;
    }
    const transport = requestCredentials(gatewayHeaders(req));
    if (mergeCredentials(transport) === REFUSED_CREDENTIALS) {
      this.metrics.refuse('credentials');
      refuseUpgrade(socket, 403, ErrorMessage.accessDenied, undefined);
      return;
    }
    // The upgrade is a request like any other: it takes a token from the caller's bucket (the
    // address's for the default user), so that opening sockets in a loop is limited too.
    const retryAfter = this.admit(transport, clientAddress);
    if (retryAfter > 0) {
      this.metrics.refuse('rate_limited');
      refuseUpgrade(socket, 429, rateLimitText(retryAfter), RATE_LIMITED_CODE, retryAfter);
      return;
    }
    this.held++;
    let settled = false;
    const release = (): void => {
      if (settled) return;
      settled = true;
      this.held--;
    };
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client = new WsClient(ws, transport, this, clientAddress);
      this.clients.add(client);
      this.metrics.socketsOpen++;
      ws.once('close', () => {
        this.clients.delete(client);
        this.metrics.socketsOpen--;
        release();
        client.closed();
      });
    });
  }

  /** Closes every socket (1001); those that do not finish the close handshake in time are cut. */
  close(graceMs = 1000): void {
    this.removeUpstreamListener();
    for (const client of this.clients) client.ws.close(CLOSE_GOING_AWAY, 'server shutting down');
    const cut = setTimeout(() => {
      for (const client of this.clients) client.ws.terminate();
    }, graceMs);
    cut.unref();
  }

  metricsText(): string {
    return this.metrics.render();
  }

  /** How many sockets are open and how many hold a subscription (tests, metrics). */
  stats(): { sockets: number; subscribed: number } {
    let subscribed = 0;
    for (const client of this.clients) if (client.topics.size > 0) subscribed++;
    return { sockets: this.clients.size, subscribed };
  }

  /** [rate_limit]: a token for one request of `credentials` from `clientAddress`; 0 when admitted (see admitRequest). */
  admit(credentials: RequestContext['credentials'], clientAddress: string | undefined): number {
    const subscriptions = this.options.subscriptions;
    if (subscriptions.admitRequest === undefined) return 0;
    return subscriptions.admitRequest({ credentials, transport: 'http', clientAddress });
  }

  // For WsClient.
  get config(): WebSocketConfig {
    return this.options.config;
  }
  get subscriptions(): SubscriptionDispatcher {
    return this.options.subscriptions;
  }
  get upstream(): SubscriptionUpstream | undefined {
    return this.options.upstream;
  }
  get logger(): Logger | undefined {
    return this.options.logger;
  }

  /**
   * Charges `size` bytes about to be sent on `client` (whose socket buffers `buffered` now) to
   * max_total_buffered_bytes. Past it, the counts are refreshed from every socket and, while the
   * total is still over, the socket holding the most is cut (the slowest consumer): false when
   * that is `client` itself.
   */
  chargeSend(client: WsClient, buffered: number, size: number): boolean {
    this.bufferedTotal += buffered - client.charged;
    client.charged = buffered;
    const limit = this.options.config.maxTotalBufferedBytes;
    if (this.bufferedTotal + size > limit) {
      this.bufferedTotal = 0;
      for (const other of this.clients) {
        other.charged = other.isOpen() ? other.ws.bufferedAmount : 0;
        this.bufferedTotal += other.charged;
      }
      while (this.bufferedTotal + size > limit) {
        let slowest: WsClient | undefined;
        for (const other of this.clients)
          if (other.charged > 0 && (slowest === undefined || other.charged > slowest.charged)) slowest = other;
        if (slowest === undefined || slowest === client || slowest.charged <= client.charged) {
          this.release(client);
          client.cut('total_buffered');
          return false;
        }
        this.release(slowest);
        slowest.cut('total_buffered');
      }
    }
    this.bufferedTotal += size;
    client.charged += size;
    return true;
  }

  /** A socket that closes gives back what it was charged. */
  release(client: WsClient): void {
    this.bufferedTotal -= client.charged;
    client.charged = 0;
  }

  /** Bytes charged to max_total_buffered_bytes now (an upper bound of what the sockets buffer). */
  get bufferedBytes(): number {
    return this.bufferedTotal;
  }

  private onUpstream(up: boolean): void {
    // Each failed retry reports down again: the drop is counted once, and each client says it once.
    if (!up && this.metrics.upstreamUp === 1) this.metrics.upstreamDrops++;
    this.metrics.upstreamUp = up ? 1 : 0;
    for (const client of this.clients) client.upstreamChanged(up);
  }
}

/** One socket: the protocol Session its subscriptions are registered under. */
class WsClient implements Session {
  readonly id = `ws-${nextSocketId++}`;
  /** Topics this socket holds (one subscription per topic, as the node's WebSocket). */
  readonly topics = new Set<WsTopic>();
  /** The caller, once known: an id, or undefined for the default user. */
  private credentials: string | undefined;
  /** Set at the first message: `{"credentials"}` is read only as that one. */
  private sawMessage = false;
  private credentialsTimer: NodeJS.Timeout | null = null;
  private isClosed = false;
  private toldUpstreamLost = false;
  /** What this socket is charged in the service's total of buffered bytes (see chargeSend). */
  charged = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly transport: ReturnType<typeof requestCredentials>,
    private readonly service: WebSocketService,
    private readonly clientAddress: string | undefined,
  ) {
    const merged = mergeCredentials(transport);
    this.credentials = merged === REFUSED_CREDENTIALS ? undefined : merged;
    if (this.credentials === undefined) {
      this.credentialsTimer = setTimeout(() => {
        this.credentialsTimer = null;
        this.service.metrics.close('credentials_timeout');
        ws.close(CLOSE_POLICY, 'no message within credentials_timeout');
      }, service.config.credentialsTimeout * 1000);
      this.credentialsTimer.unref();
    }
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.service.metrics.close('too_large');
      this.service.logger?.debug({ socket: this.id, err: error.code ?? error.message }, 'websocket error');
    });
  }

  /** Session: an event or a revocation for this socket's subscriptions. */
  push(envelope: ResponseEnvelope): void {
    if (envelope.message_type === 'EventConfirmation') {
      if (this.send(eventMessage('confirmation', envelope.time, envelope.message))) this.service.metrics.eventsSent++;
      return;
    }
    if (isRevocationEnvelope(envelope)) {
      for (const topic of WS_TOPICS) {
        if (!this.topics.has(topic) || !String(envelope.message.message).includes(TOPIC_MESSAGE[topic])) continue;
        this.dropTopic(topic);
        this.service.metrics.revocations++;
        const text = revocationEnvelope(topic).message.message as string;
        this.send(errorMessage(ErrorCode.accessDenied, text, undefined, topic));
      }
    }
  }

  /** The socket closed: its subscriptions go with it. */
  closed(): void {
    this.isClosed = true;
    this.service.release(this);
    if (this.credentialsTimer !== null) clearTimeout(this.credentialsTimer);
    this.service.metrics.subscriptions -= this.topics.size;
    this.topics.clear();
    this.service.subscriptions.closeSession(this);
  }

  /** Tells a confirmation subscriber the upstream is lost, and once it is back (only after a loss it was told of). */
  upstreamChanged(up: boolean): void {
    if (!this.topics.has('confirmation') || up !== this.toldUpstreamLost) return;
    this.toldUpstreamLost = !up;
    this.send(
      up
        ? noticeMessage(WsErrorMessage.upstreamRestored, 'confirmation')
        : errorMessage(ErrorCode.exception, WsErrorMessage.upstreamLost, undefined, 'confirmation'),
    );
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const first = !this.sawMessage;
    this.sawMessage = true;
    if (this.credentialsTimer !== null) clearTimeout(this.credentialsTimer);
    this.credentialsTimer = null;
    const message: ClientMessage = isBinary
      ? {
          kind: 'error',
          code: ErrorCode.generic,
          message: `${ErrorMessage.invalidFormatPrefix}binary messages are not read`,
        }
      : parseClientMessage(rawText(data));
    // Every message takes a token, whatever its fate, as every HTTP request does; subscriptions take
    // theirs in the dispatcher. The first {"credentials"} message does not: it completes the
    // upgrade (which took one) by saying whose bucket the next messages draw from.
    if (message.kind !== 'subscribe' && message.kind !== 'unsubscribe' && !(message.kind === 'credentials' && first)) {
      if (this.refusedByRateLimit(message)) return;
    }
    switch (message.kind) {
      case 'credentials':
        this.onCredentials(message.credentials, first);
        return;
      case 'ping':
        this.service.metrics.request('ping', 'ok');
        this.send(ackMessage('pong', message.id));
        return;
      case 'error':
        this.service.metrics.request('other', message.code === ErrorCode.generic ? 'unsupported' : 'invalid');
        this.send(errorMessage(message.code, message.message, message.id));
        return;
      default:
        void this.onSubscription(message);
    }
  }

  /** [rate_limit]: true when the caller's bucket refused `message` (then answered with code 429; the socket stays open). */
  private refusedByRateLimit(message: ClientMessage): boolean {
    const retryAfter = this.service.admit(this.credentials, this.clientAddress);
    if (retryAfter === 0) return false;
    const action = message.kind === 'ping' || message.kind === 'credentials' ? message.kind : 'other';
    this.service.metrics.request(action, 'rate_limited');
    this.send(errorMessage(ErrorCode.rateLimited, rateLimitText(retryAfter), 'id' in message ? message.id : undefined));
    return true;
  }

  /** `{"credentials": …}`: as the first message only; every source must name the same id (protocol's rule). */
  private onCredentials(credentials: unknown, first: boolean): void {
    if (!first) {
      this.service.metrics.request('credentials', 'invalid');
      this.send(errorMessage(ErrorCode.generic, WsErrorMessage.credentialsNotFirst));
      return;
    }
    const merged =
      typeof credentials === 'string' ? mergeCredentials(this.transport, credentials) : REFUSED_CREDENTIALS;
    if (merged === REFUSED_CREDENTIALS) {
      // Fail closed: a caller that tried to say who it is never runs as the default user.
      this.service.metrics.request('credentials', 'denied');
      this.service.metrics.close('credentials');
      this.send(errorMessage(ErrorCode.accessDenied, ErrorMessage.accessDenied));
      this.ws.close(CLOSE_POLICY, ErrorMessage.accessDenied);
      return;
    }
    this.credentials = merged;
    this.service.metrics.request('credentials', 'ok');
    this.send(ackMessage('credentials', undefined));
  }

  private async onSubscription(message: Extract<ClientMessage, { kind: 'subscribe' | 'unsubscribe' }>): Promise<void> {
    const { kind, topic, id } = message;
    const body: JsonObject =
      kind === 'unsubscribe'
        ? { unsubscribe: true }
        : Object.keys(message.options).length > 0
          ? { options: message.options }
          : {};
    const ctx: RequestContext = {
      credentials: this.credentials,
      session: this,
      transport: 'http',
      clientAddress: this.clientAddress,
    };
    let answer: ResponseEnvelope;
    try {
      answer = await this.service.subscriptions.handleMessage(TOPIC_MESSAGE[topic], body, ctx);
    } catch (error) {
      this.service.logger?.error({ err: error, socket: this.id }, 'websocket subscription failed');
      this.service.metrics.request(kind, 'error');
      this.send(errorMessage(ErrorCode.exception, ErrorMessage.internal, id, topic));
      return;
    }
    if (this.isClosed) {
      // Closed while the answer was on its way: the registration must not outlive the socket.
      this.service.subscriptions.closeSession(this);
      return;
    }
    if (answer.message_type === 'Error') {
      const code = Number(answer.message.code);
      this.service.metrics.request(
        kind,
        code === ErrorCode.accessDenied ? 'denied' : code === ErrorCode.rateLimited ? 'rate_limited' : 'invalid',
      );
      this.send(errorMessage(code, String(answer.message.message), id, topic));
      return;
    }
    this.service.metrics.request(kind, 'ok');
    if (kind === 'subscribe') {
      if (!this.topics.has(topic)) this.service.metrics.subscriptions++;
      this.topics.add(topic);
    } else {
      this.dropTopic(topic);
    }
    if (message.ack) this.send(ackMessage(kind, id));
    const upstream = this.service.upstream;
    if (kind === 'subscribe' && upstream !== undefined) {
      upstream.start();
      if (upstream.state === 'down') this.upstreamChanged(false);
    }
  }

  private dropTopic(topic: WsTopic): void {
    if (this.topics.delete(topic)) this.service.metrics.subscriptions--;
  }

  /**
   * Sends one message, unless the socket already holds more unsent bytes than max_buffered_bytes:
   * then it is a slow consumer and is closed (what it held is dropped, its subscriptions with it).
   */
  private send(message: JsonObject): boolean {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    const text = JSON.stringify(message);
    const size = Buffer.byteLength(text);
    const buffered = ws.bufferedAmount;
    if (buffered + size > this.service.config.maxBufferedBytes) {
      this.service.release(this);
      this.cut('slow_consumer');
      return false;
    }
    if (!this.service.chargeSend(this, buffered, size)) return false;
    ws.send(text);
    return true;
  }

  isOpen(): boolean {
    return !this.isClosed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Closes a socket that does not read its events (over its own buffer, or the slowest over the total). */
  cut(reason: WsClosure): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.service.metrics.close(reason);
    const limits =
      reason === 'total_buffered'
        ? { totalLimit: this.service.config.maxTotalBufferedBytes }
        : { limit: this.service.config.maxBufferedBytes };
    this.service.logger?.warn(
      { code: GatewayErrorCode.wsSlowConsumer, socket: this.id, reason, ...limits },
      'websocket subscriber does not read its events; closing',
    );
    this.ws.terminate();
  }
}

/** An Origin header against [websocket] allowed_origins (lower case; `*` admits any). */
function originAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false;
  if (allowed.includes('*')) return true;
  return allowed.includes(origin.toLowerCase());
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** "Rate limit exceeded: retry after <n> s", protocol's text for every refusal of the limiter. */
function rateLimitText(retryAfter: number): string {
  return String(rateLimitedEnvelope(retryAfter).message.message);
}

const REASON_PHRASES: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers an upgrade that is not taken with a plain HTTP response, then closes the socket. */
function refuseUpgrade(
  socket: Duplex,
  status: number,
  error: string,
  code: string | undefined,
  retryAfter?: number,
): void {
  const body = JSON.stringify(code === undefined ? { error } : { error, code });
  const retry = retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`;
  // Nothing of the request is read: close once the answer is out (a pending body is dropped).
  socket.end(
    `HTTP/1.1 ${status} ${REASON_PHRASES[status]}\r\nConnection: close\r\n${retry}Content-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
