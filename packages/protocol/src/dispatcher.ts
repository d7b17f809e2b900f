import type { Logger } from 'pino';
import type { Credentials, Policy, PolicySource } from '@nano-access/resolver';
import type { Backend, BackendEvent } from './backend';
import { accountKeyDigest, isValidAccount } from './crypto/nano-address';
import { mayStopTheNode, STOP_ACTION, stopsTheNode } from './control-gate';
import { type MergedCredentials, mergeCorrelationId, mergeCredentials, REFUSED_CREDENTIALS } from './credentials';
import {
  ErrorCode,
  ErrorMessage,
  errorEnvelope,
  LegacyError,
  legacyErrorBody,
  makeEnvelope,
  rateLimitedEnvelope,
} from './errors';
import { type DecisionRecord, recordDecision, recordRateLimited, REFUSAL_TEXT } from './decision-record';
import { decodeFlatbuffersEnvelope, encodeFlatbuffersEnvelope } from './flatbuffers/convert';
import { authorizeLegacy, legacyAnswerOutcome } from './legacy';
import { requestTypeOf, type RequestType } from './messages';
import { type DispatcherMetrics, RequestCounters } from './metrics';
import type { RateLimiter } from './rate-limit/rate-limiter';
import {
  type ConfirmationOptions,
  DEFAULT_MAX_SERVICES_PER_SESSION,
  type HeldTopic,
  SubscriptionRegistry,
} from './subscriptions';
import type {
  AccessReloader,
  JsonObject,
  LegacyContext,
  LegacyResult,
  MessageOutcome,
  PromiseOrValue,
  RequestContext,
  ResponseEnvelope,
  Session,
} from './types';
import { validateMessage, validateRequestEnvelope } from './validate';

export interface DispatcherOptions {
  /**
   * The active policy, read on every request. A source that announces a new policy (the
   * reloader's PolicyStore emits 'reloaded') has every live subscription re-checked at once;
   * any other is re-checked before the next event goes out.
   */
  policy: PolicySource;
  backend: Backend;
  logger?: Logger;
  /** The most service names one session may hold (ServiceRegister); default 16. */
  maxServicesPerSession?: number;
  /**
   * Answers AccessReload (an extension message): re-reads the access file through the store that
   * SIGHUP and the file watch use. Absent, AccessReload is answered with an error.
   */
  reloadPolicy?: AccessReloader;
  /**
   * Token buckets per user, per client address and global ([rate_limit] of config-rpc.toml),
   * applied to every request that names a caller: v2 messages on every transport, and legacy
   * requests that are authorized (the gateway's; IPC encodings 1/2 are trusted by transport).
   * Absent: no limit, and the request path tests one field.
   */
  rateLimiter?: RateLimiter;
}

/** A policy source that says when its policy changed (PolicyStore does). */
interface AnnouncingPolicySource extends PolicySource {
  on(event: 'reloaded', listener: () => void): unknown;
  off(event: 'reloaded', listener: () => void): unknown;
}

function announcesReloads(source: PolicySource): source is AnnouncingPolicySource {
  const candidate = source as Partial<AnnouncingPolicySource>;
  return typeof candidate.on === 'function' && typeof candidate.off === 'function';
}

/** A response now, or once the backend has answered (only backend calls are asynchronous). */
type Answer = PromiseOrValue<ResponseEnvelope>;

/** Messages whose account field is checked for a valid address before authorization (error code 7). */
const ACCOUNT_FIELDS: Partial<Record<RequestType, string>> = { AccountWeight: 'account' };

/**
 * The one place where every request is validated, authorized and handed to the
 * backend, for both servers and every encoding: validate → authorize → handle.
 * A denied request never reaches a handler, so it has no side effect.
 * None of the handle* methods ever throws or rejects: failures become Error envelopes or
 * legacy `{"error": …}` bodies. handleEnvelope, handleMessage and handleLegacy answer at once
 * (a value) whenever nothing asynchronous stands between the request and its answer: a refusal,
 * a subscription, a backend that answers at once (the embedded one). Otherwise they give a
 * native promise. A promise per request, and the microtask turn it takes, was a share of the
 * gateway's cost that a server answering in the same turn does not pay (docs/performance.md).
 */
export class Dispatcher {
  private readonly policySource: PolicySource;
  private readonly backend: Backend;
  private readonly logger: Logger | undefined;
  private readonly counters = new RequestCounters();
  private readonly subscriptions: SubscriptionRegistry;
  private readonly unsubscribeBackend: () => void;
  private readonly stopListeners = new Set<(reason: string) => void>();
  private readonly maxServicesPerSession: number;
  private readonly reloadPolicy: AccessReloader | undefined;
  private readonly rateLimiter: RateLimiter | undefined;
  /** The policy the live subscriptions were last checked against. */
  private checkedPolicy: Policy;
  private readonly unsubscribePolicy: () => void;

  constructor(options: DispatcherOptions) {
    this.policySource = options.policy;
    this.backend = options.backend;
    this.logger = options.logger;
    this.maxServicesPerSession = options.maxServicesPerSession ?? DEFAULT_MAX_SERVICES_PER_SESSION;
    this.reloadPolicy = options.reloadPolicy;
    this.rateLimiter = options.rateLimiter;
    this.subscriptions = new SubscriptionRegistry(
      (session, error) => {
        this.logger?.warn({ session: session.id, err: error }, 'dropping a session whose push failed');
      },
      (account) => this.backend.isLocalAccount?.(account) ?? false,
      this.maxServicesPerSession,
    );
    this.checkedPolicy = this.policySource.current;
    this.unsubscribeBackend = this.backend.subscribe((event) => this.onBackendEvent(event));
    const source = this.policySource;
    if (announcesReloads(source)) {
      const onReloaded = (): void => this.recheckSubscriptions();
      source.on('reloaded', onReloaded);
      this.unsubscribePolicy = () => void source.off('reloaded', onReloaded);
    } else {
      this.unsubscribePolicy = () => undefined;
    }
  }

  /** True when a rate limiter is enforced (the gateway checks that a configured [rate_limit] is). */
  get limitsRate(): boolean {
    return this.rateLimiter !== undefined;
  }

  /**
   * Takes a token for a request that is not a message of the protocol (a WebSocket upgrade, ping
   * or unreadable message) by the rule of every message: the bucket of the caller that
   * `ctx.credentials` names, else that of `ctx.clientAddress`. 0 when admitted (always, without a
   * limiter), else the whole seconds until a retry may pass. Never throws.
   */
  admitRequest(ctx: RequestContext): number {
    if (this.rateLimiter === undefined) return 0;
    return this.rateLimiter.admit(this.policySource.current, mergeCredentials(ctx.credentials), ctx.clientAddress);
  }

  /** Encoding 4 and gateway POST /api/v2: a parsed JSON envelope (validated here). Never rejects. */
  handleEnvelope(envelope: unknown, ctx: RequestContext): PromiseOrValue<ResponseEnvelope> {
    // Synchronous up to the backend call, whose promise (backendMessage, which never rejects), if
    // it gave one, is handed back as it is.
    let answer: Answer;
    try {
      answer = this.envelope(envelope, ctx);
    } catch (error) {
      answer = this.internalError(error, mergeCorrelationId(envelope, ctx.correlationId));
    }
    return answer;
  }

  /** Gateway POST /api/v2/<Name>: the bare message. Never rejects. */
  handleMessage(messageType: string, message: unknown, ctx: RequestContext): PromiseOrValue<ResponseEnvelope> {
    // As handleEnvelope: synchronous up to the backend, whose promise (if any) is handed back as it is.
    let answer: Answer;
    try {
      const type = typeof messageType === 'string' ? requestTypeOf(messageType) : undefined;
      if (type === undefined) {
        answer = this.unknownMessageType(mergeCredentials(ctx.credentials), ctx.correlationId, ctx);
      } else {
        answer = this.message(type, message, mergeCredentials(ctx.credentials), ctx.correlationId, ctx);
      }
    } catch (error) {
      answer = this.internalError(error, ctx.correlationId);
    }
    return answer;
  }

  /**
   * Encodings 1/2 and gateway POST /: a parsed legacy request object. Never rejects.
   * authorizeLegacy, then the backend (or `ctx.forward` in its place): each refusal happens
   * before the backend sees the request. Synchronous up to the backend call: a backend that
   * answers at once is answered at once, a promise gets one reaction (no async function frames
   * around it: each cost a promise and a microtask hop).
   */
  handleLegacy(request: unknown, ctx: LegacyContext): PromiseOrValue<LegacyResult> {
    let answered: PromiseOrValue<JsonObject>;
    let action: string;
    try {
      const authorization = authorizeLegacy(request, ctx, this.policySource.current, this.rateLimiter);
      if (!authorization.allowed)
        return this.legacyDone(authorization.result, authorization.known ? authorization.action : 'unknown');
      action = authorization.action;
      answered =
        ctx.forward === undefined
          ? this.backend.legacy(authorization.request)
          : ctx.forward(authorization.request, this.backend);
    } catch (error) {
      return this.legacyFailed(error);
    }
    if (!(answered instanceof Promise)) return this.legacyAnswered(answered, action);
    return answered.then(
      (answer) => this.legacyAnswered(answer, action),
      (error: unknown) => this.legacyFailed(error),
    );
  }

  /** A backend's answer to an allowed legacy request, counted. */
  private legacyAnswered(answer: JsonObject, action: string): LegacyResult {
    let result: LegacyResult;
    try {
      result = { outcome: legacyAnswerOutcome(answer), body: answer };
    } catch (error) {
      return this.legacyFailed(error);
    }
    return this.legacyDone(result, action);
  }

  /** Counts a legacy answer by its action (`unknown` when the catalog does not know it) and outcome. */
  private legacyDone(result: LegacyResult, name: string): LegacyResult {
    this.counters.bump('action', name, result.outcome);
    if (result.outcome === 'denied') this.logger?.debug({ action: name }, 'legacy action denied');
    return result;
  }

  /** A legacy request that failed inside the dispatcher or its backend: the internal error answer. */
  private legacyFailed(error: unknown): LegacyResult {
    this.logger?.error({ err: error }, 'legacy request failed inside the dispatcher');
    return this.legacyDone({ outcome: 'error', body: legacyErrorBody(LegacyError.internal) }, 'unknown');
  }

  /** Encoding 3: a flatbuffers Envelope in, a flatbuffers Envelope out. Never rejects. */
  async handleFlatbuffers(bytes: Uint8Array, ctx: RequestContext): Promise<Uint8Array> {
    let response: ResponseEnvelope;
    const decoded = decodeFlatbuffersEnvelope(bytes);
    if (!decoded.ok) {
      this.counters.bump('message', 'unknown', 'invalid');
      response = errorEnvelope(ErrorCode.generic, decoded.error, ctx.correlationId);
    } else {
      response = await this.handleEnvelope(decoded.value, ctx);
    }
    try {
      return encodeFlatbuffersEnvelope(response);
    } catch (error) {
      this.logger?.error({ err: error }, 'could not encode a flatbuffers response');
      return encodeFlatbuffersEnvelope(
        errorEnvelope(ErrorCode.exception, ErrorMessage.internal, response.correlation_id),
      );
    }
  }

  /** A connection closed: drop its subscriptions. */
  closeSession(session: Session): void {
    this.subscriptions.closeSession(session);
  }

  /** Called when the backend asks the server to stop (`stop` action, ServiceStop "node"). Returns the unsubscribe function. */
  onStop(listener: (reason: string) => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** Counters by message/action and outcome, denials, pushed events. */
  metrics(): DispatcherMetrics & { subscriptions: ReturnType<SubscriptionRegistry['stats']> } {
    return { ...this.counters.snapshot(), subscriptions: this.subscriptions.stats() };
  }

  /** The counters in Prometheus text format (metric names start with `prefix`), then the rate limiter's and the backend's own. */
  metricsText(prefix = 'nano_access_protocol'): string {
    return (
      this.counters.prometheus(prefix) + (this.rateLimiter?.metricsText() ?? '') + (this.backend.metricsText?.() ?? '')
    );
  }

  /**
   * Re-checks every live subscription and registration against the active policy, dropping (and
   * telling) those whose credentials lost the permission. Runs on each announced reload, and
   * before any event goes out under a policy not yet checked. Never throws.
   */
  recheckSubscriptions(): void {
    const policy = this.policySource.current;
    this.checkedPolicy = policy;
    try {
      const dropped = this.subscriptions.recheck((topic: HeldTopic, credentials) =>
        authorizeMessage(policy, topic, credentials),
      );
      if (dropped > 0) this.logger?.info({ dropped }, 'subscriptions revoked by a policy change');
    } catch (error) {
      this.logger?.error({ err: error }, 're-checking subscriptions failed');
    }
  }

  /** Stop listening to the backend and the policy source (the backend itself is closed by its owner). */
  close(): void {
    this.unsubscribeBackend();
    this.unsubscribePolicy();
    this.stopListeners.clear();
  }

  /** Events go out only to subscriptions checked against the active policy. */
  private beforeEvents(): void {
    if (this.policySource.current !== this.checkedPolicy) this.recheckSubscriptions();
  }

  // --- internals -----------------------------------------------------------------

  private internalError(error: unknown, correlationId: string | undefined): ResponseEnvelope {
    this.logger?.error({ err: error }, 'request failed inside the dispatcher');
    return this.count('unknown', 'error', errorEnvelope(ErrorCode.exception, ErrorMessage.internal, correlationId));
  }

  /** A message the rate limiter refused: code 429, and ctx.retryAfter for the gateway's Retry-After. */
  private rateLimited(
    type: RequestType | 'unknown',
    merged: MergedCredentials,
    retryAfter: number,
    correlationId: string | undefined,
    ctx: RequestContext,
  ): ResponseEnvelope {
    ctx.retryAfter = retryAfter;
    if (ctx.decision !== undefined) recordRateLimited(ctx.decision, this.policySource.current, merged);
    return this.count(type, 'rate_limited', rateLimitedEnvelope(retryAfter, correlationId));
  }

  private count(name: string, outcome: MessageOutcome, envelope: ResponseEnvelope): ResponseEnvelope {
    this.counters.bump('message', name, outcome);
    return envelope;
  }

  private envelope(value: unknown, ctx: RequestContext): Answer {
    const checked = validateRequestEnvelope(value);
    if (!checked.ok)
      return this.count(
        'unknown',
        'invalid',
        errorEnvelope(ErrorCode.generic, checked.error, mergeCorrelationId(value, ctx.correlationId)),
      );
    const request = checked.value;
    const correlationId = mergeCorrelationId(request, ctx.correlationId);
    const merged = mergeCredentials(ctx.credentials, request.credentials);
    const type = requestTypeOf(request.message_type);
    if (type === undefined) return this.unknownMessageType(merged, correlationId, ctx);
    return this.message(type, request.message, merged, correlationId, ctx);
  }

  /**
   * A message type the catalog does not know. It takes a token first, as a legacy request naming
   * an unknown action does: otherwise a flood of made-up names would never meet the limit.
   */
  private unknownMessageType(
    merged: MergedCredentials,
    correlationId: string | undefined,
    ctx: RequestContext,
  ): Answer {
    const refused = this.overRateLimit('unknown', merged, correlationId, ctx);
    if (refused !== null) return refused;
    return this.count(
      'unknown',
      'unknown',
      errorEnvelope(ErrorCode.generic, ErrorMessage.unknownMessageType, correlationId),
    );
  }

  /** Takes the caller's token; the 429 answer when there was none, null when the message may go on. */
  private overRateLimit(
    type: RequestType | 'unknown',
    merged: MergedCredentials,
    correlationId: string | undefined,
    ctx: RequestContext,
  ): Answer | null {
    if (this.rateLimiter === undefined) return null;
    const retryAfter = this.rateLimiter.admit(this.policySource.current, merged, ctx.clientAddress);
    return retryAfter > 0 ? this.rateLimited(type, merged, retryAfter, correlationId, ctx) : null;
  }

  private message(
    type: RequestType,
    raw: unknown,
    merged: MergedCredentials,
    correlationId: string | undefined,
    ctx: RequestContext,
  ): Answer {
    // 0. Rate limit: every message that names a caller counts, whatever its fate.
    const refused = this.overRateLimit(type, merged, correlationId, ctx);
    if (refused !== null) return refused;
    // 1. Validate (schema, then address checksums).
    const checked = validateMessage(type, raw);
    if (!checked.ok) return this.count(type, 'invalid', errorEnvelope(ErrorCode.generic, checked.error, correlationId));
    const message = checked.value;
    const accountField = ACCOUNT_FIELDS[type];
    const accountDigest = accountField === undefined ? undefined : accountKeyDigest(message[accountField]);
    if (accountDigest !== undefined && accountDigest < 0) {
      return this.count(
        type,
        'invalid',
        errorEnvelope(ErrorCode.badAccountNumber, ErrorMessage.badAccountNumber, correlationId),
      );
    }
    if (type === 'TopicConfirmation') {
      const accounts = (message.options as ConfirmationOptions | undefined)?.accounts;
      if (accounts !== undefined && !accounts.every(isValidAccount)) {
        return this.count(
          type,
          'invalid',
          errorEnvelope(ErrorCode.badAccountNumber, ErrorMessage.badAccountNumber, correlationId),
        );
      }
    }
    // 2. Authorize, before any handler runs. Stopping the node also needs the stop action's
    //    permission and control, as the `stop` action does.
    //    Credentials whose sources disagree are denied like a missing permission.
    const policy = this.policySource.current;
    const stopsNode = stopsTheNode(type, message);
    const credentials: Credentials = merged === REFUSED_CREDENTIALS ? undefined : merged;
    if (
      merged === REFUSED_CREDENTIALS ||
      !authorizeMessage(policy, type, credentials) ||
      (stopsNode && !mayStopTheNode(policy, credentials, ctx.controlAllowed === true))
    ) {
      this.logger?.debug({ messageType: type, transport: ctx.transport, stopsNode }, 'message denied');
      if (ctx.decision !== undefined) recordMessageRefusal(ctx.decision, policy, merged, type, stopsNode, ctx);
      return this.count(
        type,
        'denied',
        errorEnvelope(ErrorCode.accessDenied, ErrorMessage.accessDenied, correlationId),
      );
    }
    if (ctx.decision !== undefined) recordDecision(ctx.decision, policy, merged, policy.messagePermission(type));
    // 3. Handle.
    switch (type) {
      case 'ServiceRegister':
      case 'TopicServiceStop':
      case 'TopicConfirmation':
      case 'ServiceStop':
        return this.subscriptionMessage(type, message, correlationId, ctx.session, credentials, stopsNode);
      case 'AccessReload':
        return this.accessReload(correlationId);
      default:
        return this.backendMessage(type, message, correlationId, accountDigest);
    }
  }

  /**
   * Never rejects: a failing backend (or anything after it) is an internal-error envelope. A reply
   * at hand is answered at once; the backend's promise gets one reaction, not an async frame
   * around it (a promise more per request).
   */
  private backendMessage(
    type: RequestType,
    message: JsonObject,
    correlationId: string | undefined,
    accountDigest: number | undefined,
  ): Answer {
    let pending: ReturnType<Backend['message']>;
    try {
      // With the account's digest (from the check above): the embedded ledger reads its weight by it.
      pending = this.backend.message(type, message, accountDigest);
    } catch (error) {
      return this.backendFailed(type, correlationId, error);
    }
    if (!(pending instanceof Promise)) return this.backendAnswer(type, correlationId, pending);
    return pending.then(
      (reply) => this.backendAnswer(type, correlationId, reply),
      (error: unknown) => this.backendFailed(type, correlationId, error),
    );
  }

  private backendFailed(type: RequestType, correlationId: string | undefined, error: unknown): ResponseEnvelope {
    this.logger?.error({ err: error, messageType: type, backend: this.backend.kind }, 'backend failed');
    return this.count(type, 'error', errorEnvelope(ErrorCode.exception, ErrorMessage.internal, correlationId));
  }

  private backendAnswer(
    type: RequestType,
    correlationId: string | undefined,
    reply: Awaited<ReturnType<Backend['message']>>,
  ): ResponseEnvelope {
    try {
      if (!reply.ok) {
        const outcome: MessageOutcome = reply.code === ErrorCode.badAccountNumber ? 'invalid' : 'error';
        return this.count(type, outcome, errorEnvelope(reply.code, reply.message, correlationId));
      }
      return this.count(type, 'ok', makeEnvelope(reply.messageType, reply.message, correlationId));
    } catch (error) {
      return this.internalError(error, correlationId);
    }
  }

  /** AccessReload, once authorized: the store's serial reload, its outcome as AccessReloadResponse. Never rejects. */
  private async accessReload(correlationId: string | undefined): Promise<ResponseEnvelope> {
    const type = 'AccessReload';
    if (this.reloadPolicy === undefined)
      return this.count(type, 'error', errorEnvelope(ErrorCode.generic, ErrorMessage.reloadUnavailable, correlationId));
    try {
      const outcome = await this.reloadPolicy();
      if (outcome === null)
        return this.count(type, 'error', errorEnvelope(ErrorCode.exception, ErrorMessage.reloadClosed, correlationId));
      return this.count(type, 'ok', makeEnvelope('AccessReloadResponse', { ...outcome }, correlationId));
    } catch (error) {
      return this.internalError(error, correlationId);
    }
  }

  private subscriptionMessage(
    type: RequestType,
    message: JsonObject,
    correlationId: string | undefined,
    session: Session | undefined,
    credentials: Credentials,
    stopsNode: boolean,
  ): ResponseEnvelope {
    if (type === 'ServiceStop') {
      // As the reference node: stopping the service "node" stops the node (here: the server).
      if (stopsNode) this.backend.requestStop('ServiceStop node');
      else {
        this.beforeEvents();
        this.counters.eventsPushed += this.subscriptions.stopService(message.service_name as string);
      }
      return this.count(type, 'ok', makeEnvelope('Success', {}, correlationId));
    }
    if (session === undefined) {
      return this.count(type, 'error', errorEnvelope(ErrorCode.generic, ErrorMessage.sessionRequired, correlationId));
    }
    // A subscription made now is checked against the policy it was authorized by; older ones first catch up with it.
    this.beforeEvents();
    switch (type) {
      case 'ServiceRegister': {
        const outcome = this.subscriptions.registerService(
          session,
          message.service_name as string,
          credentials,
          correlationId,
        );
        if (outcome === 'limit') {
          const text = `${ErrorMessage.tooManyServices} (${this.maxServicesPerSession})`;
          return this.count(type, 'error', errorEnvelope(ErrorCode.generic, text, correlationId));
        }
        return this.count(type, 'ok', makeEnvelope('Success', {}, correlationId));
      }
      case 'TopicServiceStop': {
        const ok = this.subscriptions.topicServiceStop(
          session,
          message.unsubscribe === true,
          correlationId,
          credentials,
        );
        if (!ok)
          return this.count(
            type,
            'error',
            errorEnvelope(ErrorCode.generic, ErrorMessage.serviceNotRegistered, correlationId),
          );
        return this.count(type, 'ok', makeEnvelope('EventAck', {}, correlationId));
      }
      default:
        this.subscriptions.topicConfirmation(
          session,
          message.unsubscribe === true,
          message.options as ConfirmationOptions | undefined,
          correlationId,
          credentials,
        );
        return this.count(type, 'ok', makeEnvelope('EventAck', {}, correlationId));
    }
  }

  private onBackendEvent(event: BackendEvent): void {
    if (event.type === 'confirmation') {
      this.beforeEvents();
      this.counters.eventsPushed += this.subscriptions.publishConfirmation(event.confirmation);
      return;
    }
    this.logger?.info({ reason: event.reason }, 'backend requested stop');
    for (const listener of [...this.stopListeners]) {
      try {
        listener(event.reason);
      } catch (error) {
        this.logger?.error({ err: error }, 'stop listener failed');
      }
    }
  }
}

/** Why a message was refused, for the decision record: the policy's reason, or the stop gate's. */
function recordMessageRefusal(
  record: DecisionRecord,
  policy: Policy,
  merged: MergedCredentials,
  type: string,
  stopsNode: boolean,
  ctx: RequestContext,
): void {
  let permission: string | null | undefined;
  try {
    permission = policy.messagePermission(type);
  } catch {
    permission = undefined;
  }
  if (!recordDecision(record, policy, merged, permission) || !stopsNode) return;
  // The message's own permission was there: stopping the node needs control, and the stop action's permission.
  if (ctx.controlAllowed !== true) {
    record.reason = REFUSAL_TEXT.controlNotAllowed;
    return;
  }
  const stop = policy.action(STOP_ACTION);
  recordDecision(record, policy, merged, stop === undefined ? undefined : stop.permission);
}

/** Fail closed: a message the catalog does not know is denied; null means anyone. */
function authorizeMessage(policy: Policy, type: string, credentials: Credentials): boolean {
  let permission: string | null | undefined;
  try {
    permission = policy.messagePermission(type);
    if (permission === undefined) return false;
    if (permission === null) return true;
    return policy.check(credentials, permission);
  } catch {
    return false;
  }
}
