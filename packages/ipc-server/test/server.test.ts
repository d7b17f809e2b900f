import * as net from 'node:net';
import pino from 'pino';
import { startIpcServers, type IpcServers } from '../src/server';
import { EchoDispatcher, frame, makeTempDir, RawPeer, tcpPort, testConfig, waitFor } from './helpers';
import type { NodeConfig } from '../src/node-config';
import type { TransportCredentials } from '@nano-access/protocol';

describe('startIpcServers (framing, with a stand-in dispatcher)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers | null = null;
  let dispatcher: EchoDispatcher;
  /** What the server logged, at every level. */
  let logged: Array<Record<string, unknown>>;
  const peers: RawPeer[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    dispatcher = new EchoDispatcher();
    logged = [];
  });
  afterEach(async () => {
    peers.splice(0).forEach((p) => p.destroy());
    await servers?.close();
    servers = null;
    temp.cleanup();
  });

  async function start(change?: (config: NodeConfig) => void): Promise<number> {
    servers = await startIpcServers({
      config: testConfig(temp.dir, change),
      dispatcher,
      logger: pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
      dataDir: temp.dir,
    });
    return tcpPort(servers);
  }

  async function peer(port: number): Promise<RawPeer> {
    const p = await RawPeer.connect({ port });
    peers.push(p);
    return p;
  }

  it('answers an encoding 4 envelope over TCP with a be32-length ASCII JSON response', async () => {
    const p = await peer(await start());
    p.write(frame(4, JSON.stringify({ message_type: 'IsAlive', message: {}, credentials: 'alice' })));
    const response = await p.nextJson();
    expect(response.message_type).toBe('Echo');
    expect(response.message.envelope).toEqual({ message_type: 'IsAlive', message: {}, credentials: 'alice' });
    // The transport reads no credentials of its own: the envelope's reach the dispatcher inside it.
    expect(response.message.credentials).toBeNull();
  });

  it('writes an answer made in the same turn as a shutdown before closing (answers wait for the end of the turn)', async () => {
    // The shutdown comes after the answer is made but before the turn's answers are written, as
    // a `stop` request's does.
    dispatcher = new (class extends EchoDispatcher {
      override async handleEnvelope(
        envelope: unknown,
        ctx: { credentials?: TransportCredentials },
      ): ReturnType<EchoDispatcher['handleEnvelope']> {
        const answer = await super.handleEnvelope(envelope, ctx);
        process.nextTick(() => void servers!.close());
        return answer;
      }
    })();
    const p = await peer(await start());
    p.write(frame(4, JSON.stringify({ message_type: 'IsAlive', message: {} })));
    expect((await p.nextJson()).message_type).toBe('Echo');
    expect(await p.waitClosed()).toBe(true);
  });

  it('answers over the unix socket too', async () => {
    await start((c) => {
      c.ipc.local.enable = true;
    });
    const local = servers!.addresses().find((a) => a.transport === 'local') as { path: string };
    expect(local.path).toBe(`${temp.dir}/ipc.sock`);
    const p = await RawPeer.connect(local.path);
    peers.push(p);
    p.write(frame(1, '{"action":"block_count"}'));
    expect(await p.nextJson()).toEqual({ request: { action: 'block_count' }, unsafeAllowed: false, authorize: false });
  });

  it('passes legacy encodings unauthorized, and unsafe only for encoding 2 with allow_unsafe', async () => {
    const port = await start((c) => {
      c.ipc.tcp.allowUnsafe = true;
    });
    const p = await peer(port);
    p.write(frame(1, '{"action":"stop"}'));
    p.write(frame(2, '{"action":"stop"}'));
    expect((await p.nextJson()).unsafeAllowed).toBe(false);
    const second = await p.nextJson();
    expect(second.unsafeAllowed).toBe(true);
    expect(second.authorize).toBe(false);
  });

  it('refuses unsafe over encoding 2 when the transport does not allow it', async () => {
    const p = await peer(await start());
    p.write(frame(2, '{"action":"stop"}'));
    expect((await p.nextJson()).unsafeAllowed).toBe(false);
  });

  it('hands encoding 3 payloads to the flatbuffers handler and frames the bytes it returns', async () => {
    const p = await peer(await start());
    p.write(frame(3, Buffer.from([1, 2, 3])));
    expect([...(await p.next())]).toEqual([...Buffer.from('fb:'), 1, 2, 3]);
  });

  it('answers pipelined requests in order, even when the first is slowest', async () => {
    const p = await peer(await start());
    dispatcher.delayMs = 5;
    const all = Buffer.concat(
      Array.from({ length: 50 }, (_, i) => frame(i % 2 === 0 ? 1 : 4, JSON.stringify({ action: 'n', i }))),
    );
    p.write(all);
    for (let i = 0; i < 50; i++) {
      const response = await p.nextJson();
      const request = i % 2 === 0 ? response.request : response.message.envelope;
      expect(request.i).toBe(i);
    }
    expect(p.closed).toBe(false);
  });

  it('reads frames split at every byte boundary', async () => {
    const p = await peer(await start());
    const bytes = Buffer.concat([frame(1, '{"action":"a"}'), frame(4, '{"message_type":"IsAlive","message":{}}')]);
    for (const byte of bytes) {
      p.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await p.nextJson()).request).toEqual({ action: 'a' });
    expect((await p.nextJson()).message_type).toBe('Echo');
  });

  it('answers invalid JSON with an Error envelope (encoding 4) and keeps the connection open', async () => {
    const p = await peer(await start());
    p.write(frame(4, '{"message_type": '));
    const error = await p.nextJson();
    expect(error.message_type).toBe('Error');
    expect(error.message.code).toBe(1);
    expect(error.message.message).toMatch(/^Invalid message format: /);
    p.write(frame(4, '{"message_type":"IsAlive","message":{}}'));
    expect((await p.nextJson()).message_type).toBe('Echo');
  });

  it('answers invalid JSON with a legacy {"error"} (encodings 1 and 2) and keeps the connection open', async () => {
    const p = await peer(await start());
    p.write(frame(1, 'not json'));
    expect(await p.nextJson()).toEqual({ error: 'Unable to parse JSON' });
    p.write(frame(2, '{"action":"x"}'));
    expect((await p.nextJson()).request).toEqual({ action: 'x' });
  });

  it.each([
    ['a first byte other than N', Buffer.from([0x4d, 1, 0, 0, 0, 0, 0, 2, 0x7b, 0x7d])],
    ['an unknown encoding', Buffer.from([0x4e, 5, 0, 0, 0, 0, 0, 2, 0x7b, 0x7d])],
    ['encoding 0', Buffer.from([0x4e, 0, 0, 0, 0, 0, 0, 2, 0x7b, 0x7d])],
    ['a non-zero first reserved byte', Buffer.from([0x4e, 1, 1, 0, 0, 0, 0, 2, 0x7b, 0x7d])],
    ['a non-zero second reserved byte', Buffer.from([0x4e, 1, 0, 1, 0, 0, 0, 2, 0x7b, 0x7d])],
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
  ])('closes without an answer on %s', async (_name, bytes) => {
    const p = await peer(await start());
    p.write(bytes);
    expect(await p.waitClosed()).toBe(true);
    expect(p.raw.length).toBe(0);
  });

  it('answers earlier requests before closing on a bad preamble', async () => {
    const p = await peer(await start());
    p.write(Buffer.concat([frame(1, '{"action":"first"}'), Buffer.from('XXXX')]));
    // The request framed before the bad bytes is answered, then the connection closes (framing-errors.test.ts has more).
    expect((await p.nextJson()).request).toEqual({ action: 'first' });
    expect(await p.waitClosed()).toBe(true);
  });

  it('sends an error and closes on a zero length', async () => {
    const p = await peer(await start());
    p.write(frame(4, ''));
    const error = await p.nextJson();
    expect(error.message_type).toBe('Error');
    expect(error.message.message).toBe('Invalid message format: frame length is 0');
    expect(await p.waitClosed()).toBe(true);
  });

  it('refuses an oversized length from its four bytes, before the payload arrives, with an error then a close', async () => {
    const p = await peer(
      await start((c) => {
        c.ipc.maxFrameBytes = 1024;
      }),
    );
    const head = Buffer.from([0x4e, 1, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(1025, 4);
    p.write(head); // no payload at all
    expect(await p.nextJson()).toEqual({ error: 'Invalid request: frame length 1025 exceeds max_frame_bytes (1024)' });
    expect(await p.waitClosed()).toBe(true);
  });

  it('destroys the connection after the error answer even if the peer keeps its side open', async () => {
    const port = await start((c) => {
      c.ipc.tcp.ioTimeout = 2;
    });
    const socket = net.createConnection({ port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.resume();
    socket.write(frame(4, ''));
    await new Promise<void>((resolve) => socket.once('end', () => resolve()));
    expect(servers!.connectionCount()).toBe(1); // half-closed: we never end our side
    await waitFor(() => servers!.connectionCount() === 0, 10_000, 'the server to drop the connection');
    socket.destroy();
  });

  it('refuses a 4 GiB length without allocating it', async () => {
    const p = await peer(await start());
    const before = process.memoryUsage().arrayBuffers;
    p.write(Buffer.from([0x4e, 4, 0, 0, 0xff, 0xff, 0xff, 0xff]));
    const error = await p.nextJson();
    expect(error.message.message).toMatch(/frame length 4294967295 exceeds max_frame_bytes/);
    expect(await p.waitClosed()).toBe(true);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('accepts a frame of exactly max_frame_bytes', async () => {
    const p = await peer(
      await start((c) => {
        c.ipc.maxFrameBytes = 64;
      }),
    );
    const body = JSON.stringify({ action: 'x'.repeat(64 - 13) });
    expect(Buffer.byteLength(body)).toBe(64);
    p.write(frame(1, body));
    expect((await p.nextJson()).request.action).toHaveLength(51);
  });

  it('drops a truncated frame when the client hangs up, and keeps serving others', async () => {
    const port = await start();
    const truncated = await peer(port);
    truncated.socket.end(frame(4, '{"message_type":"IsAlive","message":{}}').subarray(0, 20));
    expect(await truncated.waitClosed()).toBe(true);
    expect(truncated.raw.length).toBe(0);
    await waitFor(() => servers!.connectionCount() === 0, 10_000, 'the truncated connection to be gone');
    const other = await peer(port);
    other.write(frame(1, '{"action":"next"}'));
    expect((await other.nextJson()).request).toEqual({ action: 'next' });
  });

  it('closes a connection whose frame stalls past io_timeout', async () => {
    const p = await peer(
      await start((c) => {
        c.ipc.tcp.ioTimeout = 0.3;
      }),
    );
    p.write(frame(1, '{"action":"block_count"}').subarray(0, 10));
    expect(await p.waitClosed(10_000)).toBe(true);
    expect(logged.filter((line) => line.code === 'NA_IPC_IO_TIMEOUT')).toEqual([
      expect.objectContaining({ msg: 'ipc frame not complete within io_timeout; closing' }),
    ]);
  });

  it('closes a frame that trickles in slower than io_timeout, even though bytes keep coming', async () => {
    const p = await peer(
      await start((c) => {
        c.ipc.tcp.ioTimeout = 0.5;
      }),
    );
    const bytes = frame(1, JSON.stringify({ action: 'x'.repeat(100) }));
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < bytes.length && !p.closed) p.write(bytes.subarray(sent, ++sent));
    }, 50);
    try {
      expect(await p.waitClosed(10_000)).toBe(true);
      expect(sent).toBeLessThan(bytes.length);
    } finally {
      clearInterval(trickle);
    }
  });

  it('gives each pipelined frame its own io_timeout', async () => {
    const p = await peer(
      await start((c) => {
        c.ipc.tcp.ioTimeout = 1;
      }),
    );
    // Four frames, each completed within the timeout, the whole sequence taking longer than it.
    for (let i = 0; i < 4; i++) {
      const bytes = frame(1, JSON.stringify({ action: 'n', i }));
      p.write(bytes.subarray(0, 5));
      await new Promise((resolve) => setTimeout(resolve, 400));
      p.write(bytes.subarray(5));
      expect((await p.nextJson()).request).toEqual({ action: 'n', i });
    }
    expect(p.closed).toBe(false);
  });

  it('closes a connection whose preamble stalls past io_timeout', async () => {
    const p = await peer(
      await start((c) => {
        c.ipc.tcp.ioTimeout = 0.3;
      }),
    );
    p.write(Buffer.from([0x4e, 1]));
    expect(await p.waitClosed(10_000)).toBe(true);
  });

  it('keeps an idle connection open between requests past io_timeout', async () => {
    const p = await peer(
      await start((c) => {
        c.ipc.tcp.ioTimeout = 0.2;
      }),
    );
    p.write(frame(1, '{"action":"a"}'));
    await p.nextJson();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(p.closed).toBe(false);
    p.write(frame(1, '{"action":"b"}'));
    expect((await p.nextJson()).request).toEqual({ action: 'b' });
  });

  it('refuses connections over max_connections and accepts again once one closes', async () => {
    const port = await start((c) => {
      c.ipc.maxConnections = 2;
    });
    const a = await peer(port);
    const b = await peer(port);
    a.write(frame(1, '{"action":"a"}'));
    b.write(frame(1, '{"action":"b"}'));
    await a.nextJson();
    await b.nextJson();
    const c = await peer(port);
    expect(await c.waitClosed()).toBe(true);
    a.destroy();
    await waitFor(() => servers!.connectionCount() === 1, 10_000, 'the closed connection to be forgotten');
    const d = await peer(port);
    d.write(frame(1, '{"action":"d"}'));
    expect((await d.nextJson()).request).toEqual({ action: 'd' });
  });

  it('closes the session in the dispatcher when a connection ends', async () => {
    const p = await peer(await start());
    p.write(frame(4, '{"message_type":"IsAlive","message":{}}'));
    await p.nextJson();
    expect(dispatcher.sessions).toHaveLength(1);
    p.destroy();
    await waitFor(() => dispatcher.closed.length === 1, 10_000, 'closeSession');
    expect(dispatcher.closed[0]).toBe(dispatcher.sessions[0]);
  });

  it('pushes session events as framed JSON between answers', async () => {
    const p = await peer(await start());
    p.write(frame(4, '{"message_type":"TopicConfirmation","message":{}}'));
    await p.nextJson();
    dispatcher.sessions[0].push({ time: 2, message_type: 'EventConfirmation', message: { hash: 'ü' } });
    const raw = await p.next();
    expect(raw.toString('latin1')).toContain('"hash":"\\u00fc"');
    expect(JSON.parse(raw.toString('utf8')).message_type).toBe('EventConfirmation');
  });

  it('stops listening and ends open connections on close()', async () => {
    const port = await start();
    const p = await peer(port);
    await servers!.close();
    servers = null;
    expect(await p.waitClosed()).toBe(true);
    await expect(RawPeer.connect({ port })).rejects.toThrow(/ECONNREFUSED/);
  });
});
