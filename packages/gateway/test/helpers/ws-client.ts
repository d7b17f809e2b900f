import { WebSocket, type ClientOptions } from 'ws';

/** A message the gateway sent on a socket, parsed. */
export type WsMessage = Record<string, unknown> & { message?: Record<string, unknown> };

/** A real `ws` client that queues what it receives, for tests to take in order. */
export class TestSocket {
  readonly ws: WebSocket;
  private readonly received: WsMessage[] = [];
  private waiting: ((message: WsMessage) => void) | null = null;
  readonly opened: Promise<void>;
  readonly closedWith: Promise<{ code: number; reason: string }>;

  constructor(url: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
      );
    });
    this.closedWith = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('message', (data) => {
      const message = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as WsMessage;
      const waiting = this.waiting;
      if (waiting !== null) {
        this.waiting = null;
        waiting(message);
      } else this.received.push(message);
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** The next message (fails the test after 5 s). */
  next(): Promise<WsMessage> {
    const queued = this.received.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000);
      this.waiting = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  /** Sends a ping and returns every message that arrived before its pong (so nothing else is pending). */
  async drain(): Promise<WsMessage[]> {
    const id = `drain-${Math.random()}`;
    this.send({ action: 'ping', id });
    const before: WsMessage[] = [];
    for (;;) {
      const message = await this.next();
      if (message.ack === 'pong' && message.id === id) return before;
      before.push(message);
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The HTTP status a WebSocket upgrade gets: 101 when it opens (the socket is then closed), else the refusal's. */
export function upgradeStatus(url: string, options: ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** A 64-hex block hash from a number. */
export function hashOf(n: number): string {
  return n.toString(16).toUpperCase().padStart(64, '0');
}
