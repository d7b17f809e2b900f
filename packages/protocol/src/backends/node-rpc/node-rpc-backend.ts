import { family } from '@nano-access/metrics';
import type { Logger } from 'pino';
import type { Dispatcher as UndiciDispatcher, Pool as UndiciPool } from 'undici';
import type { Backend, BackendReply } from '../../backend';
import { BackendEvents } from '../../backend-events';
import { ByteBudget } from '../../byte-budget';
import { ErrorCode, ErrorMessage, ProtocolError, ProtocolErrorCode } from '../../errors';
import type { JsonObject } from '../../types';
import { NodeConfirmationFeed, type NodeConfirmationFeedStatus } from './node-confirmations';

/**
 * undici's Pool from its own module, not from undici's index: the index loads every part of undici
 * at once (fetch, its web streams, WebSocket, EventSource, the mock agents, caches), about 5 MiB of
 * heap and code a process that only forwards never uses (docs/performance.md, "Memory"). undici 6
 * has no `exports` map, so the path resolves; a test checks that the index stays unloaded.
 */
const Pool = require('undici/lib/dispatcher/pool') as typeof UndiciPool;

export interface NodeRpcBackendOptions {
  /** The node's RPC URL, e.g. http://[::1]:7076 */
  url: string;
  /**
   * Each request's deadline, default 10 s: from the call (waiting for a free socket included)
   * to the last byte of the node's answer. The request is destroyed when it passes.
   */
  timeoutMs?: number;
  /** Largest upstream response accepted, default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * The most bytes of node answers held at once, all requests together (default 64 MiB):
   * `[backend] max_response_bytes_in_flight`. An answer that would pass it is refused.
   */
  maxResponseBytesInFlight?: number;
  /** Sockets kept open to the node, default 16. */
  maxSockets?: number;
  /**
   * The node's WebSocket URL (e.g. ws://[::1]:7078). When set, confirmations the node pushes
   * there are relayed to TopicConfirmation subscribers; without it, no confirmation is published.
   */
  websocketUrl?: string;
  /** Where the confirmation feed logs its connects and reconnects. */
  logger?: Logger;
}

type Upstream = { ok: true; body: JsonObject } | { ok: false; error: string };

const MIB = 1024 * 1024;
/** Logged (in `code`) when node answers are refused for the response budget; see docs/errors.md. */

/**
 * Forwards to a real node's RPC over HTTP(S): legacy actions pass through
 * unchanged, v2 messages are translated to their legacy action and back.
 * Each request has one deadline (timeoutMs) and the answers' bytes share one
 * budget (maxResponseBytesInFlight). Upstream failures (refused, deadline passed,
 * non-200, not JSON, too large) become
 * `{"error": "Upstream node unavailable: …"}` for legacy and an Error envelope
 * with code 2 (the node's error_common::exception) for v2; an answer refused
 * for the budget says so (`Upstream answer refused: …`).
 */
export class NodeRpcBackend implements Backend {
  readonly kind = 'node-rpc';
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly responseBudget: ByteBudget;
  private readonly budgetError: string;
  private readonly logger: Logger | undefined;
  private timeouts = 0;
  private refusalsSinceLog = 0;
  private lastRefusalLog = -Infinity;
  private readonly pool: UndiciPool;
  private readonly path: string;
  private readonly limits: ExchangeLimits;
  private readonly events = new BackendEvents();
  private readonly confirmations: NodeConfirmationFeed | null = null;

  constructor(options: NodeRpcBackendOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ProtocolError(ProtocolErrorCode.badOption, `node-rpc: not a URL: ${options.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ProtocolError(
        ProtocolErrorCode.badOption,
        `node-rpc: the URL must be http: or https:, got ${url.protocol}`,
      );
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * MIB;
    const inFlight = options.maxResponseBytesInFlight ?? 64 * MIB;
    if (!Number.isSafeInteger(inFlight) || inFlight < 1) {
      throw new ProtocolError(
        ProtocolErrorCode.badOption,
        `node-rpc: maxResponseBytesInFlight must be a positive integer, not ${inFlight}`,
      );
    }
    this.responseBudget = new ByteBudget(inFlight);
    this.budgetError = `Upstream answer refused: node answers being received exceed max_response_bytes_in_flight (${inFlight} bytes); retry later`;
    this.logger = options.logger;
    // undici's own idle timers are off: the request's one deadline (above) bounds every phase.
    this.pool = new Pool(url.origin, {
      connections: options.maxSockets ?? 16,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.path = `${url.pathname}${url.search}`;
    this.limits = {
      maxResponseBytes: this.maxResponseBytes,
      budget: this.responseBudget,
      refuseForBudget: () => {
        this.logBudgetRefusal();
        return this.budgetError;
      },
    };
    if (options.websocketUrl !== undefined) {
      this.confirmations = new NodeConfirmationFeed({
        url: options.websocketUrl,
        logger: options.logger,
        onConfirmation: (confirmation) => this.events.emit({ type: 'confirmation', confirmation }),
      });
      this.confirmations.start();
    }
  }

  /** The confirmation feed's state, or null when no websocketUrl was given. */
  confirmationFeed(): NodeConfirmationFeedStatus | null {
    return this.confirmations?.status() ?? null;
  }

  async message(messageType: string, message: JsonObject): Promise<BackendReply> {
    switch (messageType) {
      case 'IsAlive': {
        // The cheapest action that proves the node answers.
        const answer = await this.post({ action: 'version' });
        if (!answer.ok) return { ok: false, code: ErrorCode.exception, message: answer.error };
        return { ok: true, messageType: 'IsAlive', message: {} };
      }
      case 'AccountWeight': {
        const answer = await this.post({ action: 'account_weight', account: message.account });
        if (!answer.ok) return { ok: false, code: ErrorCode.exception, message: answer.error };
        const { weight, error } = answer.body;
        if (typeof error === 'string') {
          return error === ErrorMessage.badAccountNumber
            ? { ok: false, code: ErrorCode.badAccountNumber, message: error }
            : { ok: false, code: ErrorCode.generic, message: error };
        }
        if (typeof weight !== 'string')
          return { ok: false, code: ErrorCode.exception, message: 'Upstream node answered without a weight' };
        return { ok: true, messageType: 'AccountWeightResponse', message: { voting_weight: weight } };
      }
      default:
        return { ok: false, code: ErrorCode.generic, message: ErrorMessage.unknownMessageType };
    }
  }

  async legacy(request: JsonObject & { action: string }): Promise<JsonObject> {
    const answer = await this.post(request);
    return answer.ok ? answer.body : { error: answer.error };
  }

  subscribe(listener: Parameters<Backend['subscribe']>[0]): () => void {
    return this.events.subscribe(listener);
  }

  requestStop(reason: string): void {
    this.events.emit({ type: 'stop', reason });
  }

  async close(): Promise<void> {
    await this.confirmations?.close();
    await this.pool.destroy();
    this.events.clear();
  }

  /** The budget's and the deadline's figures, for /metrics. */
  metricsText(): string {
    const budget = this.responseBudget;
    return (
      family(
        'nano_access_node_rpc_response_bytes_in_flight',
        'gauge',
        'Bytes of node answers being received and held now (node-rpc backend).',
        [{ value: budget.inUse }],
      ) +
      family(
        'nano_access_node_rpc_response_bytes_limit',
        'gauge',
        'max_response_bytes_in_flight: the most node-answer bytes held at once.',
        [{ value: budget.limit }],
      ) +
      family(
        'nano_access_node_rpc_response_budget_refusals_total',
        'counter',
        'Node answers refused because they would pass max_response_bytes_in_flight.',
        [{ value: budget.refusals }],
      ) +
      family(
        'nano_access_node_rpc_timeouts_total',
        'counter',
        'Node requests destroyed at their deadline (timeout), queued or answering.',
        [{ value: this.timeouts }],
      )
    );
  }

  /**
   * One request to the node. Its deadline is one timer, started here, before the request waits
   * for one of the pool's connections: waiting for a connection, connecting, the status line and
   * every body byte all count against it, however the bytes trickle in. When it passes, the
   * request is given up: a connected one is aborted (undici closes its socket), a queued one is
   * aborted the moment the pool hands it a connection, before a byte is written.
   * Answer bytes are charged to the shared response budget as they arrive and given back when
   * the request settles.
   */
  private post(body: JsonObject): Promise<Upstream> {
    return new Promise<Upstream>((resolve) => {
      const exchange = new UpstreamExchange(this.limits, resolve);
      exchange.deadline = setTimeout(() => {
        this.timeouts++;
        exchange.fail(`no complete answer within ${this.timeoutMs} ms`);
      }, this.timeoutMs);
      this.pool.dispatch(
        {
          path: this.path,
          method: 'POST',
          headers: REQUEST_HEADERS,
          body: JSON.stringify(body),
        },
        exchange,
      );
    });
  }

  /** One warn line for the first refusal, then at most one a minute with the count since. */
  private logBudgetRefusal(): void {
    this.refusalsSinceLog++;
    const now = Date.now();
    if (now - this.lastRefusalLog < 60_000) return;
    this.logger?.warn(
      {
        code: ProtocolErrorCode.upstreamBudgetExceeded,
        refused: this.refusalsSinceLog,
        maxResponseBytesInFlight: this.responseBudget.limit,
      },
      'node-rpc: node answers refused: max_response_bytes_in_flight reached',
    );
    this.refusalsSinceLog = 0;
    this.lastRefusalLog = now;
  }
}

const REQUEST_HEADERS = ['content-type', 'application/json', 'accept', 'application/json'];

interface ExchangeLimits {
  maxResponseBytes: number;
  budget: ByteBudget;
  /** Logs the refusal (rate-limited) and returns the error text the caller gets. */
  refuseForBudget(): string;
}

/**
 * One request's life on undici's dispatch interface: the answer's status, size and bytes are
 * checked as they arrive, charged to the response budget, and the result is settled exactly once
 * (by the answer, an error, a refusal or the deadline, whichever comes first).
 */
class UpstreamExchange implements UndiciDispatcher.DispatchHandlers {
  deadline: NodeJS.Timeout | undefined;
  private settled = false;
  private abort: ((err?: Error) => void) | null = null;
  private answering = false;
  private readonly lease: ReturnType<ByteBudget['lease']>;
  private chunks: Buffer[] = [];

  constructor(
    private readonly limits: ExchangeLimits,
    private readonly resolve: (result: Upstream) => void,
  ) {
    this.lease = limits.budget.lease();
  }

  fail(why: string): void {
    this.settle({ ok: false, error: `Upstream node unavailable: ${why}` });
  }

  onConnect(abort: (err?: Error) => void): void {
    // Given up on while it waited for a connection: abort before anything is written.
    if (this.settled) abort();
    else this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null): boolean {
    if (this.settled) return false;
    this.answering = true;
    if (statusCode !== 200) {
      this.fail(`HTTP ${statusCode}`);
      return false;
    }
    const declared = declaredLength(rawHeaders);
    if (declared > this.limits.maxResponseBytes) {
      this.fail(`response larger than ${this.limits.maxResponseBytes} bytes`);
      return false;
    }
    if (declared > 0 && !this.limits.budget.admits(declared)) {
      this.refuse();
      return false;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false;
    if (this.lease.bytes + chunk.length > this.limits.maxResponseBytes) {
      this.fail(`response larger than ${this.limits.maxResponseBytes} bytes`);
      return false;
    }
    if (!this.lease.take(chunk.length)) {
      this.refuse();
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    const chunks = this.chunks;
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.lease.bytes);
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.fail('response is not JSON');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      this.fail('response is not a JSON object');
    else this.settle({ ok: true, body: parsed as JsonObject });
  }

  onError(err: Error): void {
    if (this.settled) return;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'UND_ERR_SOCKET') {
      // The node closed the socket: before its status line this is what node:http calls a reset.
      this.fail(this.answering ? 'the node closed the connection before the end of its answer' : 'ECONNRESET');
    } else {
      this.fail(code ?? err.message);
    }
  }

  private refuse(): void {
    this.settle({ ok: false, error: this.limits.refuseForBudget() });
  }

  private settle(result: Upstream): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadline);
    this.lease.release();
    this.chunks = [];
    // Given up on (an error, a refusal, the deadline): nothing more is read or sent.
    if (!result.ok && this.abort !== null) this.abort();
    this.resolve(result);
  }
}

/** The Content-Length a node declared, NaN when it sent none (a chunked answer). */
function declaredLength(rawHeaders: Buffer[] | string[] | null): number {
  if (rawHeaders === null) return NaN;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 14 && name.toString().toLowerCase() === 'content-length')
      return Number(rawHeaders[i + 1].toString());
  }
  return NaN;
}

/** A backend that forwards to a node's RPC URL. Throws ProtocolError NA_PROTOCOL_BAD_OPTION for a bad URL. */
export function createNodeRpcBackend(options: NodeRpcBackendOptions): Backend {
  return new NodeRpcBackend(options);
}
