import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { mergeCorrelationId } from '@nano-access/protocol';
import type { RpcConfig } from './config/rpc-config';
import type { GatewayDispatcher, GatewayPolicySource, LegacyResult, ResponseEnvelope, Session } from './dispatcher-types';
import { GatewayError, GatewayErrorCode } from './errors';
import type { AddressAllowList } from './http/address-allow-list';
import { correlationIdFromHeader } from './http/correlation-id';
import { requestCredentials } from './http/credentials';
import { PREFLIGHT_HEADERS } from './http/cors';
import { exceedsJsonDepth } from './http/json-depth';
import { readBody, type BodyResult } from './http/read-body';
import { gatewayHeaders } from './http/request-headers';
import { errorEnvelope, GENERIC_ERROR, INVALID_MESSAGE_FORMAT, sendJson, sendText } from './http/respond';
import type { ApiKind, GatewayMetrics } from './metrics';

export interface HandlerDeps {
  dispatcher: GatewayDispatcher;
  store: GatewayPolicySource;
  config: RpcConfig;
  metrics: GatewayMetrics;
  metricsAllowList: AddressAllowList;
  metricsSources: ReadonlyArray<() => string>;
  logger?: Logger;
}

/** What one request turned out to be, for metrics and the rpc log. */
interface Outcome {
  api: ApiKind;
  name: string;
  outcome: string;
  status: number;
}

const MESSAGE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
/** Metric label for names the catalog does not know (keeps label cardinality closed). */
const UNKNOWN = '_unknown';
const V2_PREFIX = '/api/v2';
/** key_in_path: `/key/<id>` before a legacy or v2 path. */
const KEY_PREFIX = '/key/';
const BLANK = /^\s*$/;

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
/** The client went away mid-body; nothing is answered (499, as nginx logs it). */
const ABORTED = new BodyFailure('aborted', 499);

/** HTTP sessions are never pushed to: they last one request. */
const ignorePush = (): void => undefined;

/** Builds the request listener of the gateway's HTTP(S) server. */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { config, metrics, logger } = deps;
  const logRpc = config.logging.logRpc && logger !== undefined;
  let sessionCounter = 0;

  // One session per HTTP request (subscriptions need one; it is closed when the answer is out).
  const nextSession = (): Session => ({ id: `http-${++sessionCounter}`, push: ignorePush });

  // One async function per request, routing synchronously and awaiting only the body and the
  // dispatcher: every extra async layer (an async function returning another's promise, a
  // .catch().then() tail) costs promises and microtask turns on each request.
  return (req, res) => {
    void handle(req, res);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    metrics.started();
    let outcome: Outcome;
    try {
      const routed = route(req, res);
      outcome = routed instanceof Promise ? await routed : routed;
    } catch (error) {
      logger?.error({ err: error }, 'gateway request failed');
      if (!res.headersSent) {
        sendJson(res, 500, { error: 'Internal error', code: GatewayErrorCode.internal });
      } else {
        res.destroy();
      }
      outcome = { api: 'http', name: req.method ?? '', outcome: 'internal_error', status: 500 };
    }
    const seconds = (performance.now() - startedAt) / 1e3;
    metrics.record(outcome.api, outcome.name, outcome.outcome, seconds);
    if (logRpc) {
      logger!.info(
        {
          api: outcome.api,
          name: outcome.name,
          outcome: outcome.outcome,
          status: outcome.status,
          ms: Math.round(seconds * 1e6) / 1e3,
          remote: req.socket.remoteAddress,
        },
        'rpc',
      );
    }
  }

  function route(req: IncomingMessage, res: ServerResponse): Outcome | Promise<Outcome> {
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

    if (path === '/' || path === V2_PREFIX || path === `${V2_PREFIX}/` || path.startsWith(`${V2_PREFIX}/`)) {
      if (method === 'OPTIONS') return preflight(res);
      if (method !== 'POST') return methodNotAllowed(res, 'POST, OPTIONS');
      if (path === '/') return legacy(req, res, pathId);
      if (path === V2_PREFIX || path === `${V2_PREFIX}/`) return envelope(req, res, pathId);
      const name = path.slice(V2_PREFIX.length + 1);
      if (!MESSAGE_NAME.test(name)) return notFound(res);
      return bareMessage(req, res, name, pathId);
    }
    if (pathId !== undefined) return notFound(res);
    if (path === '/metrics' || path === '/healthz') {
      if (method === 'OPTIONS') return preflight(res);
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, OPTIONS');
      return path === '/metrics' ? metricsEndpoint(req, res) : health(res);
    }
    return notFound(res);
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

  function health(res: ServerResponse): Outcome {
    sendJson(res, 200, { status: 'ok' });
    return { api: 'http', name: 'healthz', outcome: 'ok', status: 200 };
  }

  function metricsEndpoint(req: IncomingMessage, res: ServerResponse): Outcome {
    if (!deps.metricsAllowList.allows(req.socket.remoteAddress)) {
      sendJson(res, 403, { error: 'Forbidden', code: GatewayErrorCode.metricsForbidden });
      return { api: 'http', name: 'metrics', outcome: 'forbidden', status: 403 };
    }
    let text = metrics.render();
    const sources = typeof deps.store.metrics === 'function' ? [() => deps.store.metrics!(), ...deps.metricsSources] : deps.metricsSources;
    for (const source of sources) {
      const part = source();
      if (part) text += part.endsWith('\n') ? part : `${part}\n`;
    }
    sendText(res, 200, 'text/plain; version=0.0.4; charset=utf-8', text);
    return { api: 'http', name: 'metrics', outcome: 'ok', status: 200 };
  }

  /**
   * Parses a read body as JSON. On failure the response is already sent
   * (413 / 400 / nothing for an aborted request) in the route's shape: an
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
      if (emptyIsObject && (text.length === 0 || BLANK.test(text))) return {};
      if (exceedsJsonDepth(text, config.maxJsonDepth)) {
        fail(res, shape, correlationId, 400, GatewayErrorCode.jsonTooDeep, `JSON nested deeper than max_json_depth (${config.maxJsonDepth})`);
        return TOO_DEEP;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        fail(res, shape, correlationId, 400, GatewayErrorCode.jsonMalformed, `Malformed JSON: ${(error as Error).message}`);
        return MALFORMED;
      }
    }
    if (body.kind === 'too-large') {
      fail(res, shape, correlationId, 413, GatewayErrorCode.bodyTooLarge, `Request body exceeds max_request_size (${config.maxRequestSize} bytes)`, {
        connection: 'close',
      });
      return TOO_LARGE;
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
    const envelopeCode = status === 400 || status === 413 ? INVALID_MESSAGE_FORMAT : GENERIC_ERROR;
    const prefix = envelopeCode === INVALID_MESSAGE_FORMAT ? 'Invalid message format: ' : '';
    sendJson(res, status, errorEnvelope(envelopeCode, `${prefix}${text}`, correlationId), extra);
  }

  function messageLabel(name: unknown): string {
    if (typeof name !== 'string') return UNKNOWN;
    return deps.store.current.messagePermission(name) === undefined ? UNKNOWN : name;
  }

  async function bareMessage(req: IncomingMessage, res: ServerResponse, name: string, pathId: string | undefined): Promise<Outcome> {
    const headers = gatewayHeaders(req);
    const correlationId = correlationIdFromHeader(headers.correlationId);
    const label = messageLabel(name);
    const parsed = parseBody(await readBody(req, config.maxRequestSize, headers.contentLength), res, 'v2', correlationId, true);
    if (parsed instanceof BodyFailure) return { api: 'v2', name: label, outcome: parsed.failure, status: parsed.status };
    const session = nextSession();
    let response: ResponseEnvelope;
    try {
      response = await deps.dispatcher.handleMessage(name, parsed, { credentials: requestCredentials(headers, pathId), correlationId, session, transport: 'http', controlAllowed: config.enableControl });
    } catch (error) {
      return upstreamFailureV2(res, label, correlationId, error);
    } finally {
      deps.dispatcher.closeSession?.(session);
    }
    return answerV2(res, label, correlationId, response);
  }

  async function envelope(req: IncomingMessage, res: ServerResponse, pathId: string | undefined): Promise<Outcome> {
    const headers = gatewayHeaders(req);
    const headerCorrelationId = correlationIdFromHeader(headers.correlationId);
    const parsed = parseBody(await readBody(req, config.maxRequestSize, headers.contentLength), res, 'v2', headerCorrelationId, false);
    if (parsed instanceof BodyFailure) return { api: 'v2', name: UNKNOWN, outcome: parsed.failure, status: parsed.status };
    const label = isObject(parsed) ? messageLabel(parsed.message_type) : UNKNOWN;
    // The envelope goes to the dispatcher as the client sent it, beside what the transport read:
    // the dispatcher merges credentials and correlation ids by protocol's one rule.
    const correlationId = mergeCorrelationId(parsed, headerCorrelationId);
    const session = nextSession();
    let response: ResponseEnvelope;
    try {
      response = await deps.dispatcher.handleEnvelope(parsed, {
        credentials: requestCredentials(headers, pathId),
        correlationId: headerCorrelationId,
        session,
        transport: 'http',
        controlAllowed: config.enableControl,
      });
    } catch (error) {
      return upstreamFailureV2(res, label, correlationId, error);
    } finally {
      deps.dispatcher.closeSession?.(session);
    }
    return answerV2(res, label, correlationId, response);
  }

  /** A dispatcher that rejected (only a forwarding one does): 502 or 500, as an Error envelope. */
  function upstreamFailureV2(res: ServerResponse, label: string, correlationId: string | undefined, error: unknown): Outcome {
    const status = upstreamStatus(error);
    logger?.warn({ err: error }, 'gateway: v2 request failed upstream');
    sendJson(res, status, errorEnvelope(GENERIC_ERROR, upstreamMessage(error), correlationId));
    return { api: 'v2', name: label, outcome: 'upstream_error', status };
  }

  function answerV2(res: ServerResponse, label: string, correlationId: string | undefined, answer: ResponseEnvelope): Outcome {
    let response = answer;
    if (correlationId !== undefined && response.correlation_id !== correlationId) {
      response = { time: response.time, message_type: response.message_type, correlation_id: correlationId, message: response.message };
    }
    sendJson(res, 200, response);
    let outcome = 'ok';
    if (response.message_type === 'Error') outcome = (response.message as { code?: unknown }).code === 3 ? 'denied' : 'error';
    return { api: 'v2', name: label, outcome, status: 200 };
  }

  async function legacy(req: IncomingMessage, res: ServerResponse, pathId: string | undefined): Promise<Outcome> {
    const headers = gatewayHeaders(req);
    const request = parseBody(await readBody(req, config.maxRequestSize, headers.contentLength), res, 'legacy', undefined, false);
    if (request instanceof BodyFailure) return { api: 'legacy', name: UNKNOWN, outcome: request.failure, status: request.status };
    const action = isObject(request) ? request.action : undefined;
    const label = typeof action === 'string' && deps.store.current.action(action) !== undefined ? action : UNKNOWN;
    let result: LegacyResult;
    try {
      result = await deps.dispatcher.handleLegacy(request, {
        authorize: true,
        unsafeAllowed: config.enableControl,
        credentials: requestCredentials(headers, pathId),
      });
    } catch (error) {
      const status = upstreamStatus(error);
      logger?.warn({ err: error }, 'gateway: legacy request failed upstream');
      sendJson(res, status, { error: upstreamMessage(error), code: errorCodeOf(error) });
      return { api: 'legacy', name: label, outcome: 'upstream_error', status };
    }
    const status = result.outcome === 'denied' || result.outcome === 'unsafe' ? config.legacyDenialStatus : (LEGACY_STATUS[result.outcome] ?? 200);
    sendJson(res, status, result.body);
    return { api: 'legacy', name: label, outcome: result.outcome, status };
  }
}

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
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function upstreamStatus(error: unknown): number {
  return error instanceof GatewayError &&
    (error.code === GatewayErrorCode.upstreamUnavailable || error.code === GatewayErrorCode.upstreamInvalid)
    ? 502
    : 500;
}

function upstreamMessage(error: unknown): string {
  if (error instanceof GatewayError && upstreamStatus(error) === 502) return error.message;
  return 'Internal error';
}

function errorCodeOf(error: unknown): string {
  return error instanceof GatewayError ? error.code : GatewayErrorCode.internal;
}
