import * as http from 'node:http';
import * as https from 'node:https';
import type { Logger } from 'pino';
import type { Backend, BackendReply } from '../../backend';
import { BackendEvents } from '../../backend-events';
import { ErrorCode, ProtocolError } from '../../errors';
import type { JsonObject } from '../../types';
import { NodeConfirmationFeed, type NodeConfirmationFeedStatus } from './node-confirmations';

export interface NodeRpcBackendOptions {
  /** The node's RPC URL, e.g. http://[::1]:7076 */
  url: string;
  /** Per-request timeout (connect + response), default 10 s. */
  timeoutMs?: number;
  /** Largest upstream response accepted, default 64 MiB. */
  maxResponseBytes?: number;
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

/**
 * Forwards to a real node's RPC over HTTP(S): legacy actions pass through
 * unchanged, v2 messages are translated to their legacy action and back.
 * Upstream failures (refused, timeout, non-200, not JSON) become
 * `{"error": "Upstream node unavailable: …"}` for legacy and an Error envelope
 * with code 2 (the node's error_common::exception) for v2.
 */
export class NodeRpcBackend implements Backend {
  readonly kind = 'node-rpc';
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
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
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProtocolError('NA_PROTOCOL_BAD_OPTION', `node-rpc: the URL must be http: or https:, got ${url.protocol}`);
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
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
          return error === 'Bad account number' ? { ok: false, code: ErrorCode.badAccountNumber, message: error } : { ok: false, code: ErrorCode.generic, message: error };
        }
        if (typeof weight !== 'string') return { ok: false, code: ErrorCode.exception, message: 'Upstream node answered without a weight' };
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

  private post(body: JsonObject): Promise<Upstream> {
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise<Upstream>((resolve) => {
      let settled = false;
      const done = (result: Upstream): void => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const req = transport.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length, accept: 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxResponseBytes) {
              req.destroy();
              done({ ok: false, error: `Upstream node unavailable: response larger than ${this.maxResponseBytes} bytes` });
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err) => done({ ok: false, error: `Upstream node unavailable: ${err.message}` }));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              done({ ok: false, error: `Upstream node unavailable: HTTP ${res.statusCode}` });
              return;
            }
            try {
              const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) done({ ok: false, error: 'Upstream node unavailable: response is not a JSON object' });
              else done({ ok: true, body: parsed as JsonObject });
            } catch {
              done({ ok: false, error: 'Upstream node unavailable: response is not JSON' });
            }
          });
        },
      );
      req.setTimeout(this.timeoutMs, () => {
        req.destroy();
        done({ ok: false, error: `Upstream node unavailable: no answer within ${this.timeoutMs} ms` });
      });
      req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: `Upstream node unavailable: ${err.code ?? err.message}` }));
      req.end(payload);
    });
  }
}

/** A backend that forwards to a node's RPC URL. Throws ProtocolError NA_PROTOCOL_BAD_OPTION for a bad URL. */
export function createNodeRpcBackend(options: NodeRpcBackendOptions): Backend {
  return new NodeRpcBackend(options);
}
