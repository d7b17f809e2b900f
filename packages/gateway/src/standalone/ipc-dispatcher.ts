import type { Logger } from 'pino';
import {
  authorizeLegacy,
  errorEnvelope,
  ErrorCode,
  ErrorMessage,
  isJsonObject,
  legacyAnswerOutcome,
  mergeCorrelationId,
  mergeCredentials,
  rateLimitedEnvelope,
  recordDecision,
  recordRateLimited,
  REFUSED_CREDENTIALS,
  RequestCounters,
  stopsTheNode,
  type DecisionRecord,
  type MergedCredentials,
  type RateLimiter,
} from '@nano-access/protocol';
import type { DispatcherOptions, JsonObject } from '@nano-access/protocol';
import type {
  GatewayDispatcher,
  LegacyContext,
  LegacyResult,
  RequestContext,
  ResponseEnvelope,
} from '../dispatcher-types';
import { GatewayError, GatewayErrorCode } from '../errors';
import { requestOn, type IpcPool, type PooledIpcClient } from './ipc-pool';

type PolicySource = DispatcherOptions['policy'];

export interface IpcDispatcherOptions {
  pool: IpcPool;
  /** The gateway's own hot-reloaded policy: legacy actions are authorized against it here. */
  policy: PolicySource;
  /** enable_control: legacy requests go over encoding 2 (else 1). */
  enableControl: boolean;
  /** A fresh client for one request (subscription messages; see handleEnvelope). */
  createClient: () => PooledIpcClient;
  logger?: Logger;
  /**
   * [rate_limit]: every request is taken from its bucket here, before anything is forwarded, so a
   * refused request never reaches the IPC server. Absent: no limit.
   */
  rateLimiter?: RateLimiter;
}

/**
 * Messages that subscribe the connection they arrive on. HTTP has nowhere to
 * deliver events, so in process the gateway's per-request session is closed
 * right after the answer; here such a message goes over its own short-lived
 * connection, so no pooled connection is ever left subscribed.
 */
const SESSION_MESSAGES = new Set(['ServiceRegister', 'TopicConfirmation', 'TopicServiceStop']);

/**
 * The standalone gateway's dispatcher: dispatcher-shaped, forwarding over IPC.
 * - v2 (envelope or bare message): sent as an encoding-4 envelope that carries
 *   the caller's credentials, so the IPC server's Dispatcher validates and
 *   authorizes it (encoding 4 is authorized per message). ServiceStop "node"
 *   is refused here first unless enable_control is on.
 * - legacy: encodings 1/2 carry no credentials (the IPC server trusts its
 *   transport), so the action is authorized here, by protocol's authorizeLegacy
 *   over the gateway's own PolicyStore, and forwarded only when allowed; encoding
 *   2 when enable_control (the IPC server then applies its own allow_unsafe), else 1.
 * Upstream failures reject with GatewayError (the gateway answers 502).
 */
export class IpcDispatcher implements GatewayDispatcher {
  /** The legacy requests decided here, and the v2 messages refused here (the rest of v2 is counted by the IPC server). */
  private readonly legacyCounters = new RequestCounters();
  private readonly rateLimiter: RateLimiter | undefined;

  /** Where LegacyContext.forward (the gateway's caps and cache) sends what it does not answer itself. */
  private readonly legacyBackend = { legacy: (request: JsonObject) => this.forwardLegacy(request) };

  constructor(private readonly options: IpcDispatcherOptions) {
    this.rateLimiter = options.rateLimiter;
  }

  /** True when [rate_limit] is enforced here (createGateway checks that a configured limit is). */
  get limitsRate(): boolean {
    return this.rateLimiter !== undefined;
  }

  handleEnvelope(envelope: unknown, ctx: RequestContext): Promise<ResponseEnvelope> {
    const correlationId = mergeCorrelationId(envelope, ctx.correlationId);
    if (!isJsonObject(envelope)) {
      const refused = this.rateLimited(mergeCredentials(ctx.credentials), 'unknown', correlationId, ctx);
      return refused ?? this.forward(envelope, false);
    }
    // The one merge rule (protocol's): the IPC server then sees a single caller, or none at all.
    const credentials =
      envelope.credentials === undefined || typeof envelope.credentials === 'string'
        ? mergeCredentials(ctx.credentials, envelope.credentials)
        : envelope.credentials;
    const refused = this.rateLimited(
      typeof credentials === 'string' || credentials === REFUSED_CREDENTIALS ? credentials : undefined,
      this.messageName(envelope.message_type),
      correlationId,
      ctx,
    );
    if (refused !== undefined) return refused;
    if (credentials === REFUSED_CREDENTIALS || this.refusesNodeStop(envelope.message_type, envelope.message)) {
      return Promise.resolve(errorEnvelope(ErrorCode.accessDenied, ErrorMessage.accessDenied, correlationId));
    }
    const forwarded: Record<string, unknown> = { ...envelope };
    if (credentials === undefined) delete forwarded.credentials;
    else forwarded.credentials = credentials;
    if (correlationId !== undefined && envelope.correlation_id === undefined) forwarded.correlation_id = correlationId;
    const messageType = envelope.message_type;
    const answer = this.forward(forwarded, typeof messageType === 'string' && SESSION_MESSAGES.has(messageType));
    // Credentials that are not a string are the IPC server's schema error, not a decision.
    if (ctx.decision === undefined || (credentials !== undefined && typeof credentials !== 'string')) return answer;
    return this.recorded(ctx.decision, credentials, messageType, answer);
  }

  handleMessage(messageType: string, message: unknown, ctx: RequestContext): Promise<ResponseEnvelope> {
    const credentials = mergeCredentials(ctx.credentials);
    const refused = this.rateLimited(credentials, this.messageName(messageType), ctx.correlationId, ctx);
    if (refused !== undefined) return refused;
    if (credentials === REFUSED_CREDENTIALS || this.refusesNodeStop(messageType, message)) {
      return Promise.resolve(errorEnvelope(ErrorCode.accessDenied, ErrorMessage.accessDenied, ctx.correlationId));
    }
    const envelope: Record<string, unknown> = { message_type: messageType, message };
    if (credentials !== undefined) envelope.credentials = credentials;
    if (ctx.correlationId !== undefined) envelope.correlation_id = ctx.correlationId;
    const answer = this.forward(envelope, SESSION_MESSAGES.has(messageType));
    return ctx.decision === undefined ? answer : this.recorded(ctx.decision, credentials, messageType, answer);
  }

  /**
   * Takes the request's token before anything is forwarded: undefined when admitted (or no limit),
   * else the Error envelope (code 429) to answer, with ctx.retryAfter set for the Retry-After.
   */
  private rateLimited(
    caller: MergedCredentials,
    name: string,
    correlationId: string | undefined,
    ctx: RequestContext,
  ): Promise<ResponseEnvelope> | undefined {
    if (this.rateLimiter === undefined) return undefined;
    const policy = this.options.policy.current;
    const retryAfter = this.rateLimiter.admit(policy, caller, ctx.clientAddress);
    if (retryAfter === 0) return undefined;
    ctx.retryAfter = retryAfter;
    if (ctx.decision !== undefined) recordRateLimited(ctx.decision, policy, caller);
    this.legacyCounters.bump('message', name, 'rate_limited');
    return Promise.resolve(rateLimitedEnvelope(retryAfter, correlationId));
  }

  /** A message type the catalog knows, else "unknown" (counter labels stay a closed set). */
  private messageName(messageType: unknown): string {
    return typeof messageType === 'string' && this.options.policy.current.messagePermission(messageType) !== undefined
      ? messageType
      : 'unknown';
  }

  /**
   * The decision record of a forwarded message: the IPC server decides it, so who asked and which
   * permission applies are read from this gateway's copy of the policy, and a refusal the local
   * policy does not explain is the IPC server's.
   */
  private async recorded(
    record: DecisionRecord,
    credentials: string | undefined,
    messageType: unknown,
    answer: Promise<ResponseEnvelope>,
  ): Promise<ResponseEnvelope> {
    const response = await answer;
    const policy = this.options.policy.current;
    const permission = typeof messageType === 'string' ? policy.messagePermission(messageType) : undefined;
    if (permission === undefined) return response; // an unknown message: no decision to name
    recordDecision(record, policy, credentials, permission);
    const code = response.message_type === 'Error' ? (response.message as { code?: unknown }).code : undefined;
    if (code !== ErrorCode.accessDenied) {
      // The IPC server allowed it: whatever this copy of the policy would say, there was no refusal.
      delete record.reason;
      delete record.deny;
    } else if (record.reason === undefined) {
      record.reason = 'denied by the IPC server';
    }
    return response;
  }

  async handleLegacy(request: unknown, ctx: LegacyContext): Promise<LegacyResult> {
    const authorization = authorizeLegacy(request, ctx, this.options.policy.current, this.rateLimiter);
    const name = authorization.known ? authorization.action : 'unknown';
    if (!authorization.allowed) {
      this.legacyCounters.bump('action', name, authorization.result.outcome);
      if (authorization.result.outcome === 'denied')
        this.options.logger?.debug({ action: name }, 'legacy action denied');
      return authorization.result;
    }
    let body: JsonObject;
    try {
      body =
        ctx.forward === undefined
          ? await this.forwardLegacy(authorization.request)
          : await ctx.forward(authorization.request, this.legacyBackend);
    } catch (error) {
      this.legacyCounters.bump('action', name, 'error');
      throw error;
    }
    const outcome = legacyAnswerOutcome(body);
    this.legacyCounters.bump('action', name, outcome);
    return { outcome, body };
  }

  /** The counters of the requests decided here (v2 is counted by the IPC server), and the rate limiter's. */
  metricsText(): string {
    return this.legacyCounters.prometheus('nano_access_gateway_local') + (this.rateLimiter?.metricsText() ?? '');
  }

  close(): void {
    // Nothing held: the pool is closed by its owner.
  }

  /**
   * Stopping the node needs this gateway's enable_control as well as what the IPC server checks
   * (its transport's allow_unsafe, and api_stop for the caller): without it, refused here.
   */
  private refusesNodeStop(messageType: unknown, message: unknown): boolean {
    return !this.options.enableControl && stopsTheNode(messageType, message);
  }

  /** An allowed legacy request over the pool; rejects with GatewayError when the IPC server fails. */
  private async forwardLegacy(request: JsonObject): Promise<JsonObject> {
    const payload = Buffer.from(JSON.stringify(request), 'utf8');
    let answer: Buffer;
    try {
      answer = await this.options.pool.request(this.options.enableControl ? 2 : 1, payload);
    } catch (error) {
      throw error instanceof GatewayError
        ? error
        : new GatewayError(GatewayErrorCode.upstreamUnavailable, String(error), { cause: error });
    }
    let value: unknown;
    try {
      value = JSON.parse(answer.toString('utf8'));
    } catch {
      value = undefined;
    }
    if (!isJsonObject(value)) {
      throw new GatewayError(
        GatewayErrorCode.upstreamInvalid,
        'The IPC server answered a legacy request with something that is not a JSON object.',
      );
    }
    return value;
  }

  private async forward(envelope: unknown, ownConnection: boolean): Promise<ResponseEnvelope> {
    // The frame that would be sent, not the body received, is what the IPC server measures:
    // re-serialised JSON and the credentials copied in from a header can make it larger.
    const payload = Buffer.from(JSON.stringify(envelope), 'utf8');
    let answer: Buffer;
    if (ownConnection) {
      this.options.pool.assertFrameFits(payload);
      const client = this.options.createClient();
      client.on('error', () => undefined);
      try {
        answer = await requestOn(client, 4, payload, this.options.logger);
      } finally {
        void client.close().catch(() => undefined);
      }
    } else {
      answer = await this.options.pool.request(4, payload);
    }
    return parseEnvelope(answer);
  }
}

function parseEnvelope(answer: Buffer): ResponseEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(answer.toString('utf8'));
  } catch (error) {
    throw new GatewayError(GatewayErrorCode.upstreamInvalid, 'The IPC server answered with invalid JSON.', {
      cause: error,
    });
  }
  if (!isJsonObject(value) || typeof value.message_type !== 'string' || !isJsonObject(value.message)) {
    throw new GatewayError(
      GatewayErrorCode.upstreamInvalid,
      'The IPC server answered with something that is not a response envelope.',
    );
  }
  return value as unknown as ResponseEnvelope;
}
