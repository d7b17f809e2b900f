import * as net from 'node:net';
import pino from 'pino';
import { startIpcServers, type IpcServers } from '../src/server';
import type { NodeConfig } from '../src/node-config';
import { EchoDispatcher, frame, makeTempDir, RawPeer, silentLogger, tcpPort, testConfig, waitFor } from './helpers';

/**
 * A framing error ends the connection, but the requests framed before it are answered first, in
 * order (finding 3 of docs/reliability.md): a pipelined encoding 2 control action that ran is never
 * left without its answer.
 */
describe('framing errors after pipelined requests (real sockets)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers | null = null;
  let dispatcher: EchoDispatcher;
  const peers: RawPeer[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    dispatcher = new EchoDispatcher();
  });
  afterEach(async () => {
    peers.splice(0).forEach((p) => p.destroy());
    await servers?.close();
    servers = null;
    temp.cleanup();
  });

  async function start(change?: (config: NodeConfig) => void): Promise<void> {
    servers = await startIpcServers({
      config: testConfig(temp.dir, (c) => {
        c.ipc.local.enable = true;
        c.ipc.maxFrameBytes = 1024;
        change?.(c);
      }),
      dispatcher,
      logger: silentLogger,
      dataDir: temp.dir,
    });
  }

  async function peer(transport: 'tcp' | 'local'): Promise<RawPeer> {
    const local = servers!.addresses().find((a) => a.transport === 'local') as { path: string };
    const p = await RawPeer.connect(transport === 'tcp' ? { port: tcpPort(servers!) } : local.path);
    peers.push(p);
    return p;
  }

  const requests = [
    frame(1, '{"action":"block_count","n":1}'),
    frame(2, '{"action":"stop","n":2}'),
    frame(1, '{"action":"block_count","n":3}'),
  ];
  const lengthHead = (encoding: number, length: number): Buffer => {
    const head = Buffer.from([0x4e, encoding, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(length, 4);
    return head;
  };

  /** Reads every response until the server closes; fails if it does not close. */
  async function allAnswers(p: RawPeer): Promise<Array<Record<string, any>>> {
    const answers: Array<Record<string, any>> = [];
    for (;;) {
      try {
        answers.push(await p.nextJson());
      } catch (error) {
        if (!p.closed) throw error;
        return answers;
      }
    }
  }

  const legacyAnswers = [
    { request: { action: 'block_count', n: 1 }, unsafeAllowed: false, authorize: false },
    { request: { action: 'stop', n: 2 }, unsafeAllowed: true, authorize: false },
    { request: { action: 'block_count', n: 3 }, unsafeAllowed: false, authorize: false },
  ];

  describe.each(['tcp', 'local'] as const)('over %s', (transport) => {
    describe.each([0, 20])('with a dispatcher taking %i ms', (delayMs) => {
      beforeEach(async () => {
        dispatcher.delayMs = delayMs;
        await start((c) => {
          c.ipc.tcp.allowUnsafe = true;
          c.ipc.local.allowUnsafe = true;
        });
      });

      it.each([
        ['a frame starting with A', Buffer.from('A\x01\x00\x00\x00\x00\x00\x02{}')],
        ['an unknown encoding', Buffer.from([0x4e, 9, 0, 0, 0, 0, 0, 2, 0x7b, 0x7d])],
        ['non-zero reserved bytes', Buffer.from([0x4e, 1, 0, 7, 0, 0, 0, 2, 0x7b, 0x7d])],
        ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
      ])('answers the earlier requests in order, then closes, on %s', async (_name, bad) => {
        const p = await peer(transport);
        p.write(Buffer.concat([...requests, bad]));
        expect(await allAnswers(p)).toEqual(legacyAnswers);
        expect(p.closed).toBe(true);
      });

      it('answers the earlier requests, then the length error, then closes, on an oversize length', async () => {
        const p = await peer(transport);
        p.write(Buffer.concat([...requests, lengthHead(1, 1025), Buffer.alloc(1025, 0x20)]));
        expect(await allAnswers(p)).toEqual([
          ...legacyAnswers,
          { error: 'Invalid request: frame length 1025 exceeds max_frame_bytes (1024)' },
        ]);
      });

      it('answers the earlier requests, then the length error, then closes, on a zero length', async () => {
        const p = await peer(transport);
        p.write(Buffer.concat([...requests, frame(4, '')]));
        const answers = await allAnswers(p);
        expect(answers.slice(0, 3)).toEqual(legacyAnswers);
        expect(answers.slice(3)).toEqual([
          expect.objectContaining({
            message_type: 'Error',
            message: { code: 1, message: 'Invalid message format: frame length is 0' },
          }),
        ]);
      });

      it('answers the requests of earlier writes still in progress, then closes', async () => {
        const p = await peer(transport);
        p.write(requests[0]);
        p.write(requests[1]);
        p.write(Buffer.concat([requests[2], Buffer.from('A')]));
        expect(await allAnswers(p)).toEqual(legacyAnswers);
      });
    });

    it('discards what follows the bad bytes: well-formed frames after them are not answered', async () => {
      await start();
      const p = await peer(transport);
      const after = Buffer.concat(
        Array.from({ length: 2000 }, (_, i) => frame(1, JSON.stringify({ action: 'after', i }))),
      );
      p.write(Buffer.concat([requests[0], Buffer.from('A'), after]));
      for (let i = 0; i < 20 && !p.closed; i++) p.write(after); // more, after the error was seen
      const answers = await allAnswers(p);
      expect(answers).toEqual([legacyAnswers[0]]);
      expect(dispatcher.sessions).toHaveLength(0);
    });
  });

  it('still drops, after io_timeout, a peer that keeps its side open and keeps sending after a bad preamble', async () => {
    await start((c) => {
      c.ipc.tcp.ioTimeout = 1;
    });
    const socket = net.createConnection({ port: tcpPort(servers!), host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(Buffer.concat([requests[0], Buffer.from('A')]));
    await new Promise<void>((resolve) => socket.once('end', () => resolve()));
    const body = Buffer.concat(received);
    expect(JSON.parse(body.subarray(4).toString('utf8'))).toEqual(legacyAnswers[0]);
    // Half-closed by the server; the peer keeps writing garbage and never ends its side.
    const junk = setInterval(() => socket.writable && socket.write(Buffer.alloc(4096, 0x41)), 20);
    try {
      await waitFor(() => servers!.connectionCount() === 0, 20_000, 'the server to drop the connection');
    } finally {
      clearInterval(junk);
      socket.destroy();
    }
  });

  describe('the log line of a framing error, with its code', () => {
    let lines: Array<Record<string, any>>;

    beforeEach(async () => {
      lines = [];
      servers = await startIpcServers({
        config: testConfig(temp.dir, (c) => {
          c.ipc.maxFrameBytes = 1024;
        }),
        dispatcher,
        logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
        dataDir: temp.dir,
      });
    });

    it.each([
      ['a bad preamble', 'NA_IPC_BAD_PREAMBLE', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
      ['a frame of length 0', 'NA_IPC_FRAME_EMPTY', frame(4, '')],
    ])('logs %s as %s and closes the connection', async (_name, code, bad) => {
      const p = await peer('tcp');
      p.write(bad);
      expect(await p.waitClosed()).toBe(true);
      await waitFor(() => lines.some((line) => line.code === code), 5000, `a log line with ${code}`);
      expect(lines.filter((line) => typeof line.code === 'string').map((line) => line.code)).toEqual([code]);
    });
  });
});
