import * as http from 'node:http';
import * as https from 'node:https';
import type { Logger } from 'pino';
import type { Backend, BackendReply } from '../../backend';
import { BackendEvents } from '../../backend-events';
import { ByteBudget } from '../../byte-budget';
import { ErrorCode, ProtocolError } from '../../errors';
import type { JsonObject } from '../../types';
import { NodeConfirmationFeed, type NodeConfirmationFeedStatus } from './node-confirmations';

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
const BUDGET_CODE = 'NA_PROTOCOL_UPSTREAM_BUDGET_EXCEEDED';

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
  private readonly agent: http.Agent;
  private readonly events = new BackendEvents();
  private readonly confirmations: NodeConfirmationFeed | null = null;

  constructor(options: NodeRpcBackendOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ProtocolError('NA_PROTOCOL_BAD_OPTION', `node-rpc: not a URL: ${options.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ProtocolError(
        'NA_PROTOCOL_BAD_OPTION',
        `node-rpc: the URL must be http: or https:, got ${url.protocol}`,
      );
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * MIB;
    const inFlight = options.maxResponseBytesInFlight ?? 64 * MIB;
    if (!Number.isSafeInteger(inFlight) || inFlight < 1) {
      throw new ProtocolError(
        'NA_PROTOCOL_BAD_OPTION',
        `node-rpc: maxResponseBytesInFlight must be a positive integer, not ${inFlight}`,
      );
    }
    this.responseBudget = new ByteBudget(inFlight);
    this.budgetError = `Upstream answer refused: node answers being received exceed max_response_bytes_in_flight (${inFlight} bytes); retry later`;
    this.logger = options.logger;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.agent = url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
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
          return error === 'Bad account number'
            ? { ok: false, code: ErrorCode.badAccountNumber, message: error }
            : { ok: false, code: ErrorCode.generic, message: error };
        }
        if (typeof weight !== 'string')
          return { ok: false, code: ErrorCode.exception, message: 'Upstream node answered without a weight' };
        return { ok: true, messageType: 'AccountWeightResponse', message: { voting_weight: weight } };
      }
      default:
        return { ok: false, code: ErrorCode.generic, message: 'Unknown message type' };
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
    this.agent.destroy();
    this.events.clear();
  }

  /** The budget's and the deadline's figures, for /metrics. */
  metricsText(): string {
    return [
      '# HELP nano_access_node_rpc_response_bytes_in_flight Bytes of node answers being received and held now (node-rpc backend).',
      '# TYPE nano_access_node_rpc_response_bytes_in_flight gauge',
      `nano_access_node_rpc_response_bytes_in_flight ${this.responseBudget.inUse}`,
      '# HELP nano_access_node_rpc_response_bytes_limit max_response_bytes_in_flight: the most node-answer bytes held at once.',
      '# TYPE nano_access_node_rpc_response_bytes_limit gauge',
      `nano_access_node_rpc_response_bytes_limit ${this.responseBudget.limit}`,
      '# HELP nano_access_node_rpc_response_budget_refusals_total Node answers refused because they would pass max_response_bytes_in_flight.',
      '# TYPE nano_access_node_rpc_response_budget_refusals_total counter',
      `nano_access_node_rpc_response_budget_refusals_total ${this.responseBudget.refusals}`,
      '# HELP nano_access_node_rpc_timeouts_total Node requests destroyed at their deadline (timeout), queued or answering.',
      '# TYPE nano_access_node_rpc_timeouts_total counter',
      `nano_access_node_rpc_timeouts_total ${this.timeouts}`,
      '',
    ].join('\n');
  }

  /**
   * One request to the node. Its deadline is one timer, started here, before the request waits
   * for one of the agent's sockets: waiting for a socket, connecting, the status line and every
   * body byte all count against it, however the bytes trickle in. When it passes, the request is
   * destroyed (a queued one leaves the agent's queue; a connected one closes its socket).
   * Answer bytes are charged to the shared response budget as they arrive and given back when
   * the request settles.
   */
  private post(body: JsonObject): Promise<Upstream> {
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise<Upstream>((resolve) => {
      const lease = this.responseBudget.lease();
      let settled = false;
      let req: http.ClientRequest | null = null;
      const settle = (result: Upstream): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        lease.release();
        // Given up on (an error, a refusal, the deadline): nothing more is read or sent.
        if (!result.ok) req?.destroy();
        resolve(result);
      };
      const fail = (why: string): void => settle({ ok: false, error: `Upstream node unavailable: ${why}` });
      const overBudget = (): void => {
        this.logBudgetRefusal();
        settle({ ok: false, error: this.budgetError });
      };
      const deadline = setTimeout(() => {
        this.timeouts++;
        fail(`no complete answer within ${this.timeoutMs} ms`);
      }, this.timeoutMs);

      req = transport.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length, accept: 'application/json' },
        },
        (res) => {
          if (res.statusCode !== 200) {
            fail(`HTTP ${res.statusCode}`);
            return;
          }
          const declared = Number(res.headers['content-length']);
          if (declared > this.maxResponseBytes) {
            fail(`response larger than ${this.maxResponseBytes} bytes`);
            return;
          }
          if (declared > 0 && !this.responseBudget.admits(declared)) {
            overBudget();
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => {
            if (settled) return;
            if (lease.bytes + chunk.length > this.maxResponseBytes) {
              fail(`response larger than ${this.maxResponseBytes} bytes`);
              return;
            }
            if (!lease.take(chunk.length)) {
              overBudget();
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err) => fail(err.message));
          res.on('close', () => {
            if (!res.complete) fail('the node closed the connection before the end of its answer');
          });
          res.on('end', () => {
            if (settled) return;
            try {
              const parsed: unknown = JSON.parse(Buffer.concat(chunks, lease.bytes).toString('utf8'));
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
                fail('response is not a JSON object');
              else settle({ ok: true, body: parsed as JsonObject });
            } catch {
              fail('response is not JSON');
            }
          });
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
      req.end(payload);
    });
  }

  /** One warn line for the first refusal, then at most one a minute with the count since. */
  private logBudgetRefusal(): void {
    this.refusalsSinceLog++;
    const now = Date.now();
    if (now - this.lastRefusalLog < 60_000) return;
    this.logger?.warn(
      { code: BUDGET_CODE, refused: this.refusalsSinceLog, maxResponseBytesInFlight: this.responseBudget.limit },
      'node-rpc: node answers refused: max_response_bytes_in_flight reached',
    );
    this.refusalsSinceLog = 0;
    this.lastRefusalLog = now;
  }
}

/** A backend that forwards to a node's RPC URL. Throws ProtocolError NA_PROTOCOL_BAD_OPTION for a bad URL. */
export function createNodeRpcBackend(options: NodeRpcBackendOptions): Backend {
  return new NodeRpcBackend(options);
}
