import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { BlockStateJson, ConfirmedBlock } from '../../backend';
import { decodeAccount, encodeAccount } from '../../crypto/nano-address';
import { ProtocolError, ProtocolErrorCode } from '../../errors';
import { isJsonObject } from '../../json-object';
import { isHash, isRaw, parseStateBlock, toBlockStateJson } from '../embedded/state-block';

/**
 * Confirmations from a real node, for TopicConfirmation subscribers of the node-rpc backend.
 *
 * The node's RPC answers requests only; it pushes confirmations on its WebSocket server
 * (`[node.websocket]`, port 7078 by default). This feed keeps one WebSocket to the node,
 * subscribes to the `confirmation` topic with blocks and election info, turns each message into
 * a `ConfirmedBlock`, and reconnects with capped exponential backoff when the node goes away.
 * A message that is not a well-formed confirmation is dropped and counted, never relayed.
 */
export interface NodeConfirmationFeedOptions {
  /** The node's WebSocket URL, e.g. ws://[::1]:7078 */
  url: string;
  onConfirmation(block: ConfirmedBlock): void;
  logger?: Logger;
  /** First reconnect delay, doubled per failed attempt up to maxReconnectDelayMs. Default 250 ms. */
  minReconnectDelayMs?: number;
  /** Default 30 s. */
  maxReconnectDelayMs?: number;
  /** Largest WebSocket message accepted; a larger one closes the socket (ws's maxPayload). Default 1 MiB. */
  maxMessageBytes?: number;
}

export interface NodeConfirmationFeedStatus {
  connected: boolean;
  /** The node acknowledged the subscription on the current connection. */
  subscribed: boolean;
  relayed: number;
  /** Messages on the confirmation topic that did not have a confirmation's shape. */
  dropped: number;
  reconnects: number;
}

/** The subscription the node's WebSocket server expects (its option values are strings). */
const SUBSCRIBE = JSON.stringify({
  action: 'subscribe',
  topic: 'confirmation',
  ack: true,
  options: { include_block: 'true', include_election_info: 'true' },
});

export class NodeConfirmationFeed {
  private socket: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs: number;
  private closed = false;
  private readonly counts = { relayed: 0, dropped: 0, reconnects: 0 };
  private subscribed = false;

  constructor(private readonly options: NodeConfirmationFeedOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ProtocolError(ProtocolErrorCode.badOption, `node-rpc: not a WebSocket URL: ${options.url}`);
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new ProtocolError(
        ProtocolErrorCode.badOption,
        `node-rpc: the WebSocket URL must be ws: or wss:, got ${url.protocol}`,
      );
    }
    this.retryDelayMs = this.minDelay();
  }

  /** Connects (and keeps reconnecting until close()). */
  start(): void {
    if (this.closed || this.socket) return;
    const socket = new WebSocket(this.options.url, {
      maxPayload: this.options.maxMessageBytes ?? 1024 * 1024,
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.retryDelayMs = this.minDelay();
      this.options.logger?.info({ url: this.options.url }, 'node websocket connected; subscribing to confirmations');
      socket.send(SUBSCRIBE);
    });
    socket.on('message', (data, isBinary) => {
      // With ws's default binaryType ('nodebuffer') a message arrives as one Buffer.
      if (!isBinary) this.onMessage((data as Buffer).toString('utf8'));
    });
    socket.on('error', (error) => {
      this.options.logger?.warn({ url: this.options.url, err: error.message }, 'node websocket error');
    });
    socket.on('close', () => this.onClose(socket));
  }

  status(): NodeConfirmationFeedStatus {
    return { connected: this.socket?.readyState === WebSocket.OPEN, subscribed: this.subscribed, ...this.counts };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }

  private onMessage(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.counts.dropped += 1;
      return;
    }
    if (!isJsonObject(parsed)) {
      this.counts.dropped += 1;
      return;
    }
    if (parsed.ack === 'subscribe') {
      this.subscribed = true;
      return;
    }
    if (parsed.topic !== 'confirmation') return; // other topics are not ours to relay
    const block = confirmationFromNode(parsed.message);
    if (!block) {
      this.counts.dropped += 1;
      return;
    }
    this.counts.relayed += 1;
    this.options.onConfirmation(block);
  }

  private onClose(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.subscribed = false;
    if (this.closed) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.options.maxReconnectDelayMs ?? 30_000);
    this.options.logger?.warn({ url: this.options.url, retryInMs: delay }, 'node websocket closed; reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.counts.reconnects += 1;
      this.start();
    }, delay);
    this.retryTimer.unref();
  }

  private minDelay(): number {
    return this.options.minReconnectDelayMs ?? 250;
  }
}

const CONFIRMATION_TYPES = new Set<string>(['active_quorum', 'active_confirmation_height', 'inactive']);
const SUBTYPES = new Set<string>(['send', 'receive', 'change', 'epoch']);

/**
 * One node WebSocket `confirmation` message body as a ConfirmedBlock, or null when it is not one.
 * The block goes through the same state-block parser as a `process` request (accounts with their
 * checksums, hex fields, balance range), and its computed hash must be the hash the message
 * names: what reaches subscribers is what the node's own API would send, never whatever arrived.
 */
export function confirmationFromNode(message: unknown): ConfirmedBlock | null {
  if (!isJsonObject(message) || !isJsonObject(message.block)) return null;
  const { amount, hash, confirmation_type: type, block } = message;
  const subtype = block.subtype;
  const account = decodeAccount(message.account);
  if (account === null || !isRaw(amount) || !isHash(hash)) return null;
  if (typeof type !== 'string' || !CONFIRMATION_TYPES.has(type)) return null;
  if (typeof subtype !== 'string' || !SUBTYPES.has(subtype)) return null;
  const parsed = parseStateBlock(block);
  if (!parsed.ok || parsed.hash !== hash.toUpperCase()) return null;
  const confirmed: ConfirmedBlock = {
    account: encodeAccount(account),
    amount,
    hash: parsed.hash,
    confirmationType: type as ConfirmedBlock['confirmationType'],
    block: toBlockStateJson(parsed.block, parsed.hash, subtype as BlockStateJson['subtype']),
  };
  const election = electionInfoFromNode(message.election_info);
  if (election) confirmed.electionInfo = election;
  return confirmed;
}

/** The node sends election numbers as decimal strings; `blocks` and `voters` are our block_count and voter_count. */
function electionInfoFromNode(info: unknown): ConfirmedBlock['electionInfo'] | undefined {
  if (!isJsonObject(info)) return undefined;
  const numbers = [info.duration, info.time, info.request_count, info.blocks, info.voters].map(toCount);
  if (numbers.some((n) => n === null) || !isRaw(info.tally)) return undefined;
  const [duration, time, requestCount, blockCount, voterCount] = numbers as number[];
  return {
    duration,
    time,
    tally: info.tally,
    request_count: requestCount,
    block_count: blockCount,
    voter_count: voterCount,
  };
}

function toCount(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}
