import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  ErrorCode,
  errorEnvelope,
  ErrorMessage,
  invalidFormatEnvelope,
  isJsonObject,
  mergeCorrelationId,
  requestTypeAt,
  requestTypeOf,
  type BudgetLease,
  type ByteBudget,
  type DecisionRecord,
  type LegacyForward,
  type PromiseOrValue,
} from '@nano-access/protocol';
import { jsonLineWriter, policyHashLabel } from '@nano-access/reloader';
import type { RpcConfig } from './config/rpc-config';
import type { GatewayDispatcher, GatewayPolicySource, LegacyResult, ResponseEnvelope } from './dispatcher-types';
import { GatewayError, GatewayErrorCode } from './errors';
import type { AddressSet } from './http/address-set';
import type { ClientAddresses } from './http/client-address';
import { correlationIdFromHeader } from './http/correlation-id';
import { requestCredentials } from './http/credentials';
import { PREFLIGHT_HEADERS } from './http/cors';
import { HttpRequestContext } from './http/http-request-context';
import { exceedsJsonDepth } from './http/json-depth';
import { readBody, type BodyResult } from './http/read-body';
import { operatorHostAllowed } from './http/operator-host';
import { gatewayHeaders, type GatewayHeaders } from './http/request-headers';
import { sendJson, sendOperatorJson, sendOperatorText } from './http/respond';
import type { GatewayMetrics } from './metrics';
import { getMayCarry, legacyRequestFromQuery } from './protect/get-compat';
import { rpcLineJson, type Outcome } from './rpc-line';

export interface HandlerDeps {
  dispatcher: GatewayDispatcher;
  store: GatewayPolicySource;
  config: RpcConfig;
  metrics: GatewayMetrics;
  /** [metrics] allow: the client addresses that may read /metrics. */
  metricsAllowList: AddressSet;
  /** [client_addresses]: the client address of a request, and whether it is served. */
  clientAddresses: ClientAddresses;
  metricsSources: ReadonlyArray<() => string>;
  /** The budget of request-body bytes in flight (max_request_bytes_in_flight), shared by every request. */
  bodyBudget: ByteBudget;
  logger?: Logger;
  /** Response caps and cache (protect/legacy-protection.ts); undefined when both are off. */
  legacyForward?: LegacyForward;
}

const MESSAGE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
/** Metric label for names the catalog does not know (keeps label cardinality closed). */
const UNKNOWN = '_unknown';
const V2_PREFIX = '/api/v2';
/** Made once: a template literal on the request path is a new string, built and compared, per request. */
const V2_PREFIX_SLASH = `${V2_PREFIX}/`;
/** key_in_path: `/key/<id>` before a legacy or v2 path. */
const KEY_PREFIX = '/key/';
/** Answers to a GET (legacy_get): no browser or proxy may keep them. */
const NO_STORE = { 'cache-control': 'no-store' };

/** A body that could not be read or parsed (already answered); never a JSON.parse result. */
class BodyFailure {
  constructor(
    readonly failure: string,
    readonly status: number,
  ) {}
}
const TOO_DEEP = new BodyFailure('too_deep', 400);
const MALFORMED = new BodyFailure('malformed', 400);
const TOO_LARGE = new BodyFailure('too_large', 413);
const OVER_BUDGET = new BodyFailure('over_budget', 503);
/** The client went away mid-body; nothing is answered (499, as nginx logs it). */
const ABORTED = new BodyFailure('aborted', 499);

/**
 * One request in flight: what its answer and its bookkeeping (lease, metrics, rpc log) need.
 * The request finishes exactly once, through finish().
 */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly startedAt: number;
  /** The body's bytes stay charged until the request is answered: the parsed request lives that long. */
  readonly lease: BudgetLease;
  /** Who asked and what decided, filled by the dispatcher only when there is a log line to write. */
  readonly decision: DecisionRecord | undefined;
  readonly client: string | undefined;
}

/** Builds the request listener of the gateway's HTTP(S) server. */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { config, metrics, logger } = deps;
  // Its fields are the gateway's own (catalog names, a masked caller, status, duration): nothing to redact.
  const writeRpcLine = config.logging.logRpc && logger !== undefined ? jsonLineWriter(logger, 'rpc') : null;
  const logRpc = writeRpcLine !== null;
  // The share of the body budget that only small bodies may use: a sixteenth, as long as a body
  // of max_request_size still fits in the rest.
  const bodyReserve = Math.min(Math.floor(deps.bodyBudget.limit / 16), deps.bodyBudget.limit - config.maxRequestSize);
  /** The request's session, if the dispatcher opened one (a subscription message), is closed when the answer is out. */
  const closeSession = (ctx: HttpRequestContext): void => {
    const session = ctx.openedSession;
    if (session !== undefined) deps.dispatcher.closeSession?.(session);
  };

  // No async function and no promise of the gateway's own on the request path: routing is
  // synchronous, the body is read through a callback, an answer the dispatcher gives at once (the
  // embedded backend's) is written in the body's 'end' event, as a bare node:http server writes
  // it, and a dispatcher's promise (a node's answer, an IPC server's) gets one reaction.
  return handle;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    metrics.started();
    // The client's address, and the allow/deny lists, before anything else: a denied address is
    // answered before a byte of its body is read.
    const client = deps.clientAddresses.of(req);
    const x: Exchange = {
      req,
      res,
      startedAt,
      lease: deps.bodyBudget.lease(),
      decision: logRpc ? {} : undefined,
      client,
    };
    let outcome: Outcome | undefined;
    try {
      outcome = deps.clientAddresses.admits(client) ? route(x) : addressDenied(res);
    } catch (error) {
      outcome = internalFailure(x, error);
    }
    // undefined: the route finishes the request itself once its body and dispatcher are done.
    if (outcome !== undefined) finish(x, outcome);
  }

  /** A request whose handling threw: 500 (or the connection cut when an answer had begun). */
  function internalFailure(x: Exchange, error: unknown): Outcome {
    logger?.error({ err: error }, 'gateway request failed');
    if (!x.res.headersSent) {
      sendJson(x.res, 500, { error: ErrorMessage.internal, code: GatewayErrorCode.internal });
    } else {
      x.res.destroy();
    }
    return { api: 'http', name: x.req.method ?? '', outcome: 'internal_error', status: 500 };
  }

  /** The end of every request: its lease released, then its metrics and rpc log line. */
  function finish(x: Exchange, outcome: Outcome): void {
    x.lease.release();
    const seconds = (performance.now() - x.startedAt) / 1e3;
    metrics.record(outcome.api, outcome.name, outcome.outcome, seconds);
    if (writeRpcLine !== null) {
      const { client } = x;
      const peer = x.req.socket.remoteAddress;
      writeRpcLine(rpcLineJson(outcome, seconds, client, client === peer ? undefined : peer, x.decision));
    }
  }

  /**
   * Answers a request once its dispatcher is done (`answer` writes it and says how), then
   * finishes it; a throw there is answered as one in handle().
   */
  function answered(x: Exchange, answer: () => Outcome): void {
    let outcome: Outcome;
    try {
      outcome = answer();
    } catch (error) {
      outcome = internalFailure(x, error);
    }
    finish(x, outcome);
  }

  /** The answer's outcome, or undefined when the request goes on (body, dispatcher) and finishes later. */
  function route(x: Exchange): Outcome | undefined {
    const { req, res } = x;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    let path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? 'GET';

    // `/key/<id>/…` (key_in_path): the id is taken off here and handed to requestCredentials
    // only; nothing logs or echoes the path, and the rest routes as usual.
    let pathId: string | undefined;
    if (config.keyInPath && path.startsWith(KEY_PREFIX)) {
      const end = path.indexOf('/', KEY_PREFIX.length);
      pathId = path.slice(KEY_PREFIX.length, end === -1 ? undefined : end);
      path = end === -1 ? '/' : path.slice(end);
      if (pathId.length === 0) return notFound(res);
    }

    if (path === '/' || path === V2_PREFIX || path.startsWith(V2_PREFIX_SLASH)) {
      if (method === 'OPTIONS') return preflight(res);
      if (method !== 'POST') {
        if (method === 'GET' && path === '/' && config.legacyGet)
          return legacyFromQuery(x, query === -1 ? '' : url.slice(query + 1), pathId);
        return methodNotAllowed(res, 'POST, OPTIONS');
      }
      if (path === '/') return legacy(x, pathId);
      // Here the path is `/api/v2` or starts with `/api/v2/`: of that length, it is `/api/v2/`.
      if (path === V2_PREFIX || path.length === V2_PREFIX_SLASH.length) return envelope(x, pathId);
      // A request type goes on as protocol's own string (its lookups are then pointer compares),
      // read in place; every request type is a well-formed name, so only other names meet the pattern.
      const type = requestTypeAt(path, V2_PREFIX_SLASH.length);
      if (type !== undefined) return bareMessage(x, type, pathId);
      const name = path.slice(V2_PREFIX_SLASH.length);
      if (!MESSAGE_NAME.test(name)) return notFound(res);
      return bareMessage(x, name, pathId);
    }
    if (pathId !== undefined) return notFound(res);
    // Operator endpoints: no CORS (no preflight either), so no web page can read them.
    if (path === '/metrics' || path === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD') {
        sendOperatorJson(
          res,
          405,
          { error: 'Method not allowed', code: GatewayErrorCode.methodNotAllowed },
          { allow: 'GET, HEAD' },
        );
        return { api: 'http', name: 'method', outcome: 'method_not_allowed', status: 405 };
      }
      // DNS rebinding: a page whose name an attacker re-points at this host reads it as its own
      // origin (no Origin header); its Host header still carries the attacker's name.
      if (!operatorHostAllowed(req.headers.host, config.metrics.allowedHosts)) return hostRefused(res, path);
      return path === '/metrics' ? metricsEndpoint(req, res, x.client) : health(res);
    }
    return notFound(res);
  }

  /** legacy_get: `GET /?action=…` as the legacy request a POST would carry, read-only actions only. */
  function legacyFromQuery(x: Exchange, search: string, pathId: string | undefined): Outcome | undefined {
    const request = legacyRequestFromQuery(search);
    if (!getMayCarry(request.action)) {
      sendJson(
        x.res,
        405,
        { error: 'Method not allowed: GET carries read-only actions only', code: GatewayErrorCode.methodNotAllowed },
        { allow: 'POST, OPTIONS' },
      );
      return { api: 'http', name: 'method', outcome: 'method_not_allowed', status: 405 };
    }
    return legacy(x, pathId, request);
  }

  /** A client address refused by [client_addresses]: 403, and the connection closed with its body unread. */
  function addressDenied(res: ServerResponse): Outcome {
    sendJson(
      res,
      403,
      { error: 'Forbidden: this client address is not served', code: GatewayErrorCode.addressDenied },
      { connection: 'close' },
    );
    return { api: 'http', name: 'address', outcome: 'address_denied', status: 403 };
  }

  /** /metrics or /healthz asked for by a host name that is not an IP literal, localhost or [metrics] allowed_hosts. */
  function hostRefused(res: ServerResponse, path: string): Outcome {
    sendOperatorJson(res, 403, {
      error: 'Forbidden: this host name is not served here (add it to [metrics] allowed_hosts)',
      code: GatewayErrorCode.hostNotAllowed,
    });
    return { api: 'http', name: path === '/metrics' ? 'metrics' : 'healthz', outcome: 'forbidden', status: 403 };
  }

  function preflight(res: ServerResponse): Outcome {
    res.writeHead(204, { ...PREFLIGHT_HEADERS, 'content-length': 0 });
    res.end();
    return { api: 'http', name: 'OPTIONS', outcome: 'ok', status: 204 };
  }

  function methodNotAllowed(res: ServerResponse, allow: string): Outcome {
    sendJson(res, 405, { error: 'Method not allowed', code: GatewayErrorCode.methodNotAllowed }, { allow });
    return { api: 'http', name: 'method', outcome: 'method_not_allowed', status: 405 };
  }

  function notFound(res: ServerResponse): Outcome {
    sendJson(res, 404, { error: 'Not found', code: GatewayErrorCode.notFound });
    return { api: 'http', name: 'path', outcome: 'not_found', status: 404 };
  }

  /**
   * `{"status":"ok"}`, and the active policy: `hash` as nano_access_policy_info labels it, so that
   * a probe or a script can check that every replica serves the same file.
   */
  function health(res: ServerResponse): Outcome {
    const policy = deps.store.status?.();
    sendOperatorJson(
      res,
      200,
      policy === undefined
        ? { status: 'ok' }
        : { status: 'ok', policy: { hash: policyHashLabel(policy.hash), generation: policy.generation } },
    );
    return { api: 'http', name: 'healthz', outcome: 'ok', status: 200 };
  }

  function metricsEndpoint(req: IncomingMessage, res: ServerResponse, client: string | undefined): Outcome {
    if (!deps.metricsAllowList.hasText(client)) {
      sendOperatorJson(res, 403, { error: 'Forbidden', code: GatewayErrorCode.metricsForbidden });
      return { api: 'http', name: 'metrics', outcome: 'forbidden', status: 403 };
    }
    // A browser adds Origin to a page's cross-origin requests: a page opened on an allowed
    // machine must not scrape through the browser what the allow list keeps from its site.
    if (req.headers.origin !== undefined) {
      sendOperatorJson(res, 403, {
        error: 'Forbidden: /metrics is not served to web pages (Origin header)',
        code: GatewayErrorCode.metricsForbidden,
      });
      return { api: 'http', name: 'metrics', outcome: 'forbidden', status: 403 };
    }
    let text = metrics.render();
    const sources =
      typeof deps.store.metrics === 'function'
        ? [() => deps.store.metrics!(), ...deps.metricsSources]
        : deps.metricsSources;
    for (const source of sources) {
      const part = source();
      if (part) text += part.endsWith('\n') ? part : `${part}\n`;
    }
    sendOperatorText(res, 200, 'text/plain; version=0.0.4; charset=utf-8', text);
    return { api: 'http', name: 'metrics', outcome: 'ok', status: 200 };
  }

  /**
   * Parses a read body as JSON. On failure the response is already sent
   * (413 / 503 / 400 / nothing for an aborted request) in the route's shape: an
   * Error envelope on v2 paths, `{"error", "code"}` on legacy, and a
   * BodyFailure comes back. `emptyIsObject`: an empty body means `{}` (a bare message).
   * Synchronous, so a request awaits only its body and its dispatcher.
   */
  function parseBody(
    body: BodyResult,
    res: ServerResponse,
    shape: 'v2' | 'legacy',
    correlationId: string | undefined,
    emptyIsObject: boolean,
  ): unknown {
    if (body.kind === 'ok') {
      const text = body.body.toString('utf8');
      if (emptyIsObject && isBlank(text)) return {};
      if (exceedsJsonDepth(text, config.maxJsonDepth)) {
        fail(
          res,
          shape,
          correlationId,
          400,
          GatewayErrorCode.jsonTooDeep,
          `JSON nested deeper than max_json_depth (${config.maxJsonDepth})`,
        );
        return TOO_DEEP;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        fail(
          res,
          shape,
          correlationId,
          400,
          GatewayErrorCode.jsonMalformed,
          `Malformed JSON: ${(error as Error).message}`,
        );
        return MALFORMED;
      }
    }
    if (body.kind === 'too-large') {
      fail(
        res,
        shape,
        correlationId,
        413,
        GatewayErrorCode.bodyTooLarge,
        `Request body exceeds max_request_size (${config.maxRequestSize} bytes)`,
        {
          connection: 'close',
        },
      );
      return TOO_LARGE;
    }
    if (body.kind === 'over-budget') {
      fail(
        res,
        shape,
        correlationId,
        503,
        GatewayErrorCode.bodyBudgetExceeded,
        `Request bodies in flight exceed max_request_bytes_in_flight (${deps.bodyBudget.limit} bytes); retry later`,
        { connection: 'close', 'retry-after': '1' },
      );
      return OVER_BUDGET;
    }
    res.destroy();
    return ABORTED;
  }

  /** A transport-level failure, in the route's shape. */
  function fail(
    res: ServerResponse,
    shape: 'v2' | 'legacy',
    correlationId: string | undefined,
    status: number,
    code: string,
    text: string,
    extra?: Record<string, string>,
  ): void {
    if (shape === 'legacy') {
      sendJson(res, status, { error: text, code }, extra);
      return;
    }
    const answer =
      status === 400 || status === 413
        ? invalidFormatEnvelope(text, correlationId)
        : errorEnvelope(ErrorCode.exception, text, correlationId);
    sendJson(res, status, answer, extra);
  }

  /** A catalog message's name (protocol's own string when it is a request type), else UNKNOWN. */
  function messageLabel(name: unknown): string {
    if (typeof name !== 'string') return UNKNOWN;
    const known = requestTypeOf(name) ?? name;
    return deps.store.current.messagePermission(known) === undefined ? UNKNOWN : known;
  }

  /** POST /api/v2/<Name>: the body is the bare message. */
  function bareMessage(x: Exchange, name: string, pathId: string | undefined): undefined {
    const headers = gatewayHeaders(x.req);
    const correlationId = correlationIdFromHeader(headers.correlationId);
    const label = messageLabel(name);
    readBody(x.req, x.res, config.maxRequestSize, headers.contentLength, x.lease, bodyReserve, (body) => {
      let parsed: unknown;
      try {
        parsed = parseBody(body, x.res, 'v2', correlationId, true);
      } catch (error) {
        return finish(x, internalFailure(x, error));
      }
      if (parsed instanceof BodyFailure)
        return finish(x, { api: 'v2', name: label, outcome: parsed.failure, status: parsed.status });
      const ctx = new HttpRequestContext(
        requestCredentials(headers, pathId),
        correlationId,
        config.enableControl,
        x.decision,
        x.client,
      );
      dispatchV2(x, name, parsed, ctx, label, correlationId);
    });
    return undefined;
  }

  /** POST /api/v2: the body is a whole envelope. */
  function envelope(x: Exchange, pathId: string | undefined): undefined {
    const headers = gatewayHeaders(x.req);
    const headerCorrelationId = correlationIdFromHeader(headers.correlationId);
    readBody(x.req, x.res, config.maxRequestSize, headers.contentLength, x.lease, bodyReserve, (body) => {
      let parsed: unknown;
      let label: string;
      let correlationId: string | undefined;
      try {
        parsed = parseBody(body, x.res, 'v2', headerCorrelationId, false);
        if (parsed instanceof BodyFailure)
          return finish(x, { api: 'v2', name: UNKNOWN, outcome: parsed.failure, status: parsed.status });
        label = isJsonObject(parsed) ? messageLabel(parsed.message_type) : UNKNOWN;
        // The envelope goes to the dispatcher as the client sent it, beside what the transport read:
        // the dispatcher merges credentials and correlation ids by protocol's one rule.
        correlationId = mergeCorrelationId(parsed, headerCorrelationId);
      } catch (error) {
        return finish(x, internalFailure(x, error));
      }
      const ctx = new HttpRequestContext(
        requestCredentials(headers, pathId),
        headerCorrelationId,
        config.enableControl,
        x.decision,
        x.client,
      );
      dispatchV2(x, undefined, parsed, ctx, label, correlationId);
    });
    return undefined;
  }

  /**
   * Hands a v2 request to the dispatcher (a bare message `name`, else a whole envelope) and
   * answers with what it gives: at once, or in one promise reaction. The session is closed before
   * the answer is written, whatever the dispatcher did.
   */
  function dispatchV2(
    x: Exchange,
    name: string | undefined,
    parsed: unknown,
    ctx: HttpRequestContext,
    label: string,
    correlationId: string | undefined,
  ): void {
    let pending: PromiseOrValue<ResponseEnvelope>;
    try {
      pending =
        name === undefined
          ? deps.dispatcher.handleEnvelope(parsed, ctx)
          : deps.dispatcher.handleMessage(name, parsed, ctx);
    } catch (error) {
      closeSession(ctx);
      return answered(x, () => upstreamFailureV2(x.res, label, correlationId, error));
    }
    if (!(pending instanceof Promise)) {
      const response = pending;
      closeSession(ctx);
      return answered(x, () => answerV2(x.res, label, correlationId, response, ctx.retryAfter));
    }
    pending.then(
      (response) => {
        closeSession(ctx);
        answered(x, () => answerV2(x.res, label, correlationId, response, ctx.retryAfter));
      },
      (error: unknown) => {
        closeSession(ctx);
        answered(x, () => upstreamFailureV2(x.res, label, correlationId, error));
      },
    );
  }

  /**
   * A dispatcher that rejected (only a forwarding one does), as an Error envelope: 413 for a
   * request the IPC server would refuse as too large, 502 for an IPC server unreachable or
   * unreadable (its detail goes to the log only), else 500.
   */
  function upstreamFailureV2(
    res: ServerResponse,
    label: string,
    correlationId: string | undefined,
    error: unknown,
  ): Outcome {
    const failure = forwardFailure(error);
    logFailure(failure, error, 'gateway: v2 request failed upstream');
    const answer =
      failure.status === 413
        ? invalidFormatEnvelope(failure.message, correlationId)
        : errorEnvelope(ErrorCode.exception, failure.message, correlationId);
    sendJson(res, failure.status, answer);
    return { api: 'v2', name: label, outcome: failure.outcome, status: failure.status };
  }

  function logFailure(failure: ForwardFailure, error: unknown, message: string): void {
    if (failure.status === 413) logger?.debug({ err: error }, message);
    else if (failure.code === GatewayErrorCode.internal) logger?.error({ err: error }, message);
    else logger?.warn({ err: error }, message);
  }

  /**
   * A v2 answer: HTTP 200, as the node answers every envelope, except a rate-limit refusal
   * (`retryAfter` set by the dispatcher): 429 with Retry-After, so that proxies see it too.
   */
  function answerV2(
    res: ServerResponse,
    label: string,
    correlationId: string | undefined,
    answer: ResponseEnvelope,
    retryAfter: number | undefined,
  ): Outcome {
    let response = answer;
    if (correlationId !== undefined && response.correlation_id !== correlationId) {
      response = {
        time: response.time,
        message_type: response.message_type,
        correlation_id: correlationId,
        message: response.message,
      };
    }
    if (retryAfter !== undefined) {
      sendJson(res, 429, response, { 'retry-after': String(retryAfter) });
      return { api: 'v2', name: label, outcome: 'rate_limited', status: 429 };
    }
    sendJson(res, 200, response);
    let outcome = 'ok';
    if (response.message_type === 'Error')
      outcome = (response.message as { code?: unknown }).code === ErrorCode.accessDenied ? 'denied' : 'error';
    return { api: 'v2', name: label, outcome, status: 200 };
  }

  /**
   * One legacy request: the POST body, or with legacy_get the request read from a GET's query
   * (`fromQuery`, answered with Cache-Control: no-store, at once: it has no body to wait for).
   */
  function legacy(x: Exchange, pathId: string | undefined, fromQuery?: Record<string, unknown>): undefined {
    const headers = gatewayHeaders(x.req);
    if (fromQuery !== undefined) {
      dispatchLegacy(x, headers, pathId, fromQuery, NO_STORE);
      return undefined;
    }
    readBody(x.req, x.res, config.maxRequestSize, headers.contentLength, x.lease, bodyReserve, (body) => {
      let request: unknown;
      try {
        request = parseBody(body, x.res, 'legacy', undefined, false);
      } catch (error) {
        return finish(x, internalFailure(x, error));
      }
      if (request instanceof BodyFailure)
        return finish(x, { api: 'legacy', name: UNKNOWN, outcome: request.failure, status: request.status });
      dispatchLegacy(x, headers, pathId, request, undefined);
    });
    return undefined;
  }

  /** Hands a legacy request to the dispatcher and answers with what it gives: at once, or in one promise reaction. */
  function dispatchLegacy(
    x: Exchange,
    headers: GatewayHeaders,
    pathId: string | undefined,
    request: unknown,
    extra: Record<string, string> | undefined,
  ): void {
    let label: string;
    let pending: PromiseOrValue<LegacyResult>;
    try {
      const action = isJsonObject(request) ? request.action : undefined;
      label = typeof action === 'string' && deps.store.current.action(action) !== undefined ? action : UNKNOWN;
    } catch (error) {
      return finish(x, internalFailure(x, error));
    }
    try {
      pending = deps.dispatcher.handleLegacy(request, {
        authorize: true,
        unsafeAllowed: config.enableControl,
        credentials: requestCredentials(headers, pathId),
        forward: deps.legacyForward,
        decision: x.decision,
        clientAddress: x.client,
      });
    } catch (error) {
      return answered(x, () => legacyFailure(x.res, label, extra, error));
    }
    if (!(pending instanceof Promise)) {
      const result = pending;
      return answered(x, () => answerLegacy(x.res, label, extra, result));
    }
    pending.then(
      (result) => answered(x, () => answerLegacy(x.res, label, extra, result)),
      (error: unknown) => answered(x, () => legacyFailure(x.res, label, extra, error)),
    );
  }

  /** A legacy dispatcher that rejected (only a forwarding one does), as `{"error", "code"}`. */
  function legacyFailure(
    res: ServerResponse,
    label: string,
    extra: Record<string, string> | undefined,
    error: unknown,
  ): Outcome {
    const failure = forwardFailure(error);
    logFailure(failure, error, 'gateway: legacy request failed upstream');
    sendJson(res, failure.status, { error: failure.message, code: failure.code }, extra);
    return { api: 'legacy', name: label, outcome: failure.outcome, status: failure.status };
  }

  function answerLegacy(
    res: ServerResponse,
    label: string,
    extra: Record<string, string> | undefined,
    result: LegacyResult,
  ): Outcome {
    const status =
      result.outcome === 'denied' || result.outcome === 'unsafe'
        ? config.legacyDenialStatus
        : (LEGACY_STATUS[result.outcome] ?? 200);
    if (result.retryAfter !== undefined) {
      sendJson(res, status, result.body, { ...extra, 'retry-after': String(result.retryAfter) });
    } else {
      sendJson(res, status, result.body, extra);
    }
    return { api: 'legacy', name: label, outcome: result.outcome, status };
  }
}

/**
 * Only whitespace (what `/^\s*$/` matches), decided at the first character for a body that
 * starts as JSON does: a JSON text is not blank.
 */
function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 0x7b /* { */ || first === 0x5b /* [ */ || first === 0x22 /* " */) return false;
  return BLANK.test(text);
}
const BLANK = /^\s*$/;

/**
 * HTTP status per legacy outcome. Like the reference node, errors a client
 * reads from `"error"` (unknown command, a bad account number) are 200, and so
 * are refusals unless `legacy_denial_status` says 403 (the outcome, not the
 * status, tells metrics and the rpc log a denial apart); a request that is not
 * a legacy request at all is 400.
 */
const LEGACY_STATUS: Record<LegacyResult['outcome'], number> = {
  ok: 200,
  error: 200,
  unknown: 200,
  not_implemented: 200,
  invalid: 400,
  denied: 200,
  unsafe: 200,
  rate_limited: 429,
};

/** What a caller is told about a forwarding dispatcher's rejection. */
interface ForwardFailure {
  status: number;
  /** For the caller: never a socket path, an address or an errno (those go to the log). */
  message: string;
  code: string;
  outcome: string;
}

function forwardFailure(error: unknown): ForwardFailure {
  if (error instanceof GatewayError) {
    switch (error.code) {
      case GatewayErrorCode.bodyTooLarge:
        // Our own message, naming only sizes (no upstream detail in it).
        return { status: 413, message: error.message, code: error.code, outcome: 'too_large' };
      case GatewayErrorCode.upstreamUnavailable:
        return { status: 502, message: 'IPC server unavailable', code: error.code, outcome: 'upstream_error' };
      case GatewayErrorCode.upstreamInvalid:
        return {
          status: 502,
          message: 'Invalid answer from the IPC server',
          code: error.code,
          outcome: 'upstream_error',
        };
      default:
        break;
    }
  }
  return { status: 500, message: ErrorMessage.internal, code: GatewayErrorCode.internal, outcome: 'internal_error' };
}
