import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino, { type Logger } from 'pino';
import type { LegacyResult, ResponseEnvelope, Session, TransportCredentials } from '@nano-access/protocol';
import { ByteQueue } from '../src/byte-queue';
import type { IpcDispatcher } from '../src/connection';
import { defaultNodeConfig, type NodeConfig } from '../src/node-config';
import { startIpcServers, type IpcServers } from '../src/server';

export const silentLogger: Logger = pino({ level: 'silent' });

/** A fresh temp directory, removed by the returned cleanup. Short path: unix socket paths are limited. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-ipc-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A config with TCP on an ephemeral loopback port (and optionally a unix socket). */
export function testConfig(dataDir: string, change: (config: NodeConfig) => void = () => undefined): NodeConfig {
  const config = defaultNodeConfig(dataDir);
  config.ipc.tcp.enable = true;
  config.ipc.tcp.port = 0;
  config.ipc.local.path = path.join(dataDir, 'ipc.sock');
  change(config);
  return config;
}

/**
 * The servers of testConfig (TCP on an ephemeral loopback port, then `change`) over `dispatcher`,
 * in a fresh temp directory, logging nothing; `stop()` closes them and removes the directory.
 */
export async function startTestServers(
  dispatcher: IpcDispatcher,
  change?: (config: NodeConfig) => void,
): Promise<{ servers: IpcServers; stop: () => Promise<void> }> {
  const temp = makeTempDir();
  const servers = await startIpcServers({
    config: testConfig(temp.dir, change),
    dispatcher,
    logger: silentLogger,
    dataDir: temp.dir,
  });
  return {
    servers,
    async stop() {
      await servers.close();
      temp.cleanup();
    },
  };
}

/**
 * A stand-in dispatcher for framing tests: echoes what it got, so a test sees
 * exactly which payload and context reached the dispatcher.
 */
export class EchoDispatcher implements IpcDispatcher {
  readonly sessions: Session[] = [];
  readonly closed: Session[] = [];
  /** Every closed session, held weakly: a leak test counts how many the server still keeps alive. */
  readonly closedWeakly: Array<WeakRef<Session>> = [];
  delayMs = 0;

  /** `remember: false` keeps no session: a leak test must measure the server, not this recorder. */
  constructor(private readonly options: { remember: boolean } = { remember: true }) {}

  async handleEnvelope(
    envelope: unknown,
    ctx: { credentials?: TransportCredentials; session?: Session },
  ): Promise<ResponseEnvelope> {
    if (this.options.remember && ctx.session && !this.sessions.includes(ctx.session)) this.sessions.push(ctx.session);
    await this.delay();
    return { time: 1, message_type: 'Echo', message: { envelope, credentials: ctx.credentials ?? null } };
  }

  async handleLegacy(request: unknown, ctx: { unsafeAllowed: boolean; authorize: boolean }): Promise<LegacyResult> {
    await this.delay();
    return { outcome: 'ok', body: { request, unsafeAllowed: ctx.unsafeAllowed, authorize: ctx.authorize } };
  }

  async handleFlatbuffers(bytes: Uint8Array): Promise<Uint8Array> {
    await this.delay();
    return Buffer.concat([Buffer.from('fb:'), Buffer.from(bytes)]);
  }

  closeSession(session: Session): void {
    if (this.options.remember) this.closed.push(session);
    this.closedWeakly.push(new WeakRef(session));
  }

  private delay(): Promise<void> {
    return this.delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, this.delayMs)) : Promise.resolve();
  }
}

export function frame(encoding: number, payload: string | Buffer, reserved: [number, number] = [0, 0]): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.from([0x4e, encoding, reserved[0], reserved[1], 0, 0, 0, 0]);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A raw socket that reads response frames (be32 length + payload) and notices the close. */
export class RawPeer {
  readonly socket: net.Socket;
  private readonly queue = new ByteQueue();
  private readonly frames: Buffer[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  readonly closedPromise: Promise<void>;
  raw = Buffer.alloc(0);

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        resolve();
        this.wake();
      });
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.raw = Buffer.concat([this.raw, chunk]);
      this.queue.push(chunk);
      for (;;) {
        const length = this.queue.peek(3) === undefined ? null : this.peekLength();
        if (length === null || this.queue.length < 4 + length) break;
        this.queue.take(4);
        this.frames.push(Buffer.from(this.queue.take(length)!));
      }
      this.wake();
    });
  }

  static connect(target: { port: number; host?: string } | string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket =
        typeof target === 'string'
          ? net.createConnection(target)
          : net.createConnection({ port: target.port, host: target.host ?? '127.0.0.1' });
      socket.once('connect', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  private peekLength(): number {
    return (
      ((this.queue.peek(0)! << 24) | (this.queue.peek(1)! << 16) | (this.queue.peek(2)! << 8) | this.queue.peek(3)!) >>>
      0
    );
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  /** The next response frame; rejects if the connection closes first. */
  async next(timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('connection closed before a response');
      if (Date.now() > deadline) throw new Error('no response in time');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.frames.shift()!;
  }

  async nextJson(timeoutMs?: number): Promise<Record<string, any>> {
    return JSON.parse((await this.next(timeoutMs)).toString('utf8'));
  }

  /** Resolves true when the server closed the connection within the time. */
  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([this.closedPromise.then(() => true), timer]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Polls until the condition holds (or throws after the timeout). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function tcpPort(servers: { addresses(): Array<{ transport: string }> }): number {
  const tcp = servers.addresses().find((a) => a.transport === 'tcp') as { port: number } | undefined;
  if (!tcp) throw new Error('no tcp transport');
  return tcp.port;
}

/** Two full collections, after the current job ends (a WeakRef read in this job stays alive until then). */
export async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
}

/**
 * Bytes still reachable after full collections: the JS heap plus buffers. RSS is no measure of a
 * leak inside a jest worker: V8 keeps grown pages and other test files share the process.
 */
export async function liveBytesAfterGc(): Promise<number> {
  await collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}
