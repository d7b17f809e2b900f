import * as net from 'node:net';
import pino from 'pino';
import type { ResponseEnvelope } from '@nano-access/protocol';
import { startIpcServers, type IpcServers } from '../src/server';
import type { NodeConfig } from '../src/node-config';
import { EchoDispatcher, frame, makeTempDir, RawPeer, tcpPort, testConfig, waitFor } from './helpers';

/**
 * What a client can make the server hold, per transport and over the whole server: connections,
 * bytes of requests in flight, bytes of events queued for subscribers (issue 20, items 4 and 5).
 * Real servers, real sockets.
 */
describe('the IPC server limits', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers | null = null;
  let dispatcher: EchoDispatcher;
  /** What the server logged at warn and above, and at every level. */
  let warnings: Array<Record<string, any>>;
  let logged: Array<Record<string, any>>;
  const sockets: net.Socket[] = [];
  const peers: RawPeer[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    dispatcher = new EchoDispatcher();
    warnings = [];
    logged = [];
  });
  afterEach(async () => {
    peers.splice(0).forEach((p) => p.destroy());
    sockets.splice(0).forEach((s) => s.destroy());
    await servers?.close();
    servers = null;
    temp.cleanup();
  });

  async function start(change: (config: NodeConfig) => void): Promise<void> {
    servers = await startIpcServers({
      config: testConfig(temp.dir, (c) => {
        c.ipc.local.enable = true;
        change(c);
      }),
      dispatcher,
      logger: pino(
        { level: 'debug' },
        {
          write: (line: string) => {
            const record = JSON.parse(line) as Record<string, any>;
            logged.push(record);
            if (record.level >= 40) warnings.push(record);
          },
        },
      ),
      dataDir: temp.dir,
    });
  }

  const socketPath = (): string => (servers!.addresses().find((a) => a.transport === 'local') as { path: string }).path;

  async function peer(target: 'tcp' | 'local'): Promise<RawPeer> {
    const p = await RawPeer.connect(target === 'tcp' ? { port: tcpPort(servers!) } : socketPath());
    peers.push(p);
    return p;
  }

  /** A connection that never sends a byte. */
  async function idleTcp(): Promise<void> {
    const socket = net.createConnection({ port: tcpPort(servers!), host: '127.0.0.1' });
    socket.on('error', () => undefined);
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  }

  async function isAlive(p: RawPeer): Promise<Record<string, any>> {
    p.write(frame(4, JSON.stringify({ message_type: 'IsAlive', message: {} })));
    return p.nextJson();
  }

  describe('max_connections, a budget per transport (item 4)', () => {
    it('still answers on the unix socket while max_connections idle TCP connections are held, and refuses the next TCP one', async () => {
      await start((c) => {
        c.ipc.maxConnections = 8;
        c.ipc.tcp.ioTimeout = 0.5;
      });
      for (let i = 0; i < 8; i++) await idleTcp();
      await waitFor(() => servers!.connectionCount() === 8, 10_000, 'eight accepted TCP connections');

      const local = await peer('local');
      expect((await isAlive(local)).message_type).toBe('Echo');
      const secondLocal = await peer('local');
      expect((await isAlive(secondLocal)).message_type).toBe('Echo');

      const ninthTcp = await peer('tcp');
      expect(await ninthTcp.waitClosed()).toBe(true);
      expect(servers!.stats().connections).toEqual({
        tcp: { open: 8, refused: 1, max: 8 },
        local: { open: 2, refused: 0, max: 8 },
      });

      // Idle connections are not closed by default (the node waits indefinitely; pools rely on it),
      // however short io_timeout is.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(sockets.every((s) => !s.destroyed && s.readyState === 'open')).toBe(true);
      expect(servers!.stats().connections.tcp.open).toBe(8);
    });

    it('gives a transport its own max_connections when [node.ipc.tcp] or [node.ipc.local] sets one', async () => {
      await start((c) => {
        c.ipc.maxConnections = 8;
        c.ipc.tcp.maxConnections = 2;
        c.ipc.local.maxConnections = 3;
      });
      const tcp = [await peer('tcp'), await peer('tcp')];
      for (const p of tcp) expect((await isAlive(p)).message_type).toBe('Echo');
      expect(await (await peer('tcp')).waitClosed()).toBe(true);
      const local = [await peer('local'), await peer('local'), await peer('local')];
      for (const p of local) expect((await isAlive(p)).message_type).toBe('Echo');
      expect(await (await peer('local')).waitClosed()).toBe(true);
      expect(servers!.stats().connections).toEqual({
        tcp: { open: 2, refused: 1, max: 2 },
        local: { open: 3, refused: 1, max: 3 },
      });
    });
  });

  describe('max_inflight_bytes, bytes of requests in flight over the whole server (item 5)', () => {
    /** Sends a preamble and a length prefix announcing `length`, then `sent` bytes of the payload. */
    async function partialFrame(target: 'tcp' | 'local', length: number, sent: number): Promise<RawPeer> {
      const p = await peer(target);
      const head = Buffer.from([0x4e, 4, 0, 0, 0, 0, 0, 0]);
      head.writeUInt32BE(length, 4);
      p.write(Buffer.concat([head, Buffer.alloc(sent, 0x20)]));
      return p;
    }

    it('refuses a frame that would pass the budget with the over-long frame answer and closes it; other connections keep being answered', async () => {
      await start((c) => {
        c.ipc.maxFrameBytes = 64 * 1024;
        c.ipc.maxInflightBytes = 256 * 1024;
      });
      // Half-sent frames may hold half the budget: two of 64 KiB fit, the third does not.
      const first = await partialFrame('tcp', 64 * 1024, 100);
      const second = await partialFrame('local', 64 * 1024, 100);
      await waitFor(() => servers!.stats().inflight.used === 128 * 1024, 10_000, 'two frames charged');
      const third = await partialFrame('tcp', 64 * 1024, 100);
      const refusal = await third.nextJson();
      expect(refusal).toMatchObject({ message_type: 'Error', message: { code: 1 } });
      expect(refusal.message.message).toMatch(/^Invalid message format: frame length 65536 /);
      expect(await third.waitClosed()).toBe(true);
      expect(logged.filter((line) => line.code === 'NA_IPC_INFLIGHT_BUDGET_EXHAUSTED')).toEqual([
        expect.objectContaining({ msg: 'ipc frame refused: no room in max_inflight_bytes; closing' }),
      ]);

      // Meanwhile requests that arrive whole are answered, on both transports.
      expect((await isAlive(await peer('tcp'))).message_type).toBe('Echo');
      expect((await isAlive(await peer('local'))).message_type).toBe('Echo');
      expect(servers!.stats().inflight).toMatchObject({ used: 128 * 1024, limit: 256 * 1024, refused: 1 });
      expect(first.closed || second.closed).toBe(false);

      // A frame that completes is answered, and its bytes come back once it is.
      first.write(Buffer.alloc(64 * 1024 - 100, 0x20));
      expect(await first.nextJson()).toMatchObject({ message_type: 'Error', message: { code: 1 } }); // spaces are not JSON
      await waitFor(() => servers!.stats().inflight.used === 64 * 1024, 10_000, 'the answered frame released');
      // A connection that dies mid-frame gives its bytes back.
      second.destroy();
      await waitFor(() => servers!.stats().inflight.used === 0, 10_000, 'the dead connection released');
      const again = await partialFrame('tcp', 64 * 1024, 100);
      await waitFor(() => servers!.stats().inflight.used === 64 * 1024, 10_000, 'a new frame admitted');
      expect(again.closed).toBe(false);
    });

    it('charges frames from their length prefix until they are answered, so pipelined frames cannot pass the budget either', async () => {
      dispatcher.delayMs = 300;
      await start((c) => {
        c.ipc.maxFrameBytes = 1024;
        c.ipc.maxInflightBytes = 8192;
      });
      const p = await peer('tcp');
      const payload = `{"action":"${'x'.repeat(1000 - 13)}"}`;
      expect(payload).toHaveLength(1000);
      p.write(Buffer.concat(Array.from({ length: 9 }, () => frame(1, payload))));
      for (let i = 0; i < 8; i++) expect((await p.nextJson()).request.action).toHaveLength(987);
      expect(await p.nextJson()).toEqual({ error: expect.stringMatching(/^Invalid request: frame length 1000 /) });
      expect(await p.waitClosed()).toBe(true);
      await waitFor(() => servers!.stats().inflight.used === 0, 10_000, 'every charge released');
      expect(servers!.stats().inflight.refused).toBe(1);
    });

    it('puts the budget and the refusals in its Prometheus text', async () => {
      await start((c) => {
        c.ipc.maxFrameBytes = 64 * 1024;
        c.ipc.maxInflightBytes = 256 * 1024;
      });
      await partialFrame('tcp', 40_000, 10);
      await waitFor(() => servers!.stats().inflight.used === 40_000, 10_000, 'the frame charged');
      const text = servers!.metricsText();
      expect(text).toContain('nano_access_ipc_inflight_bytes 40000\n');
      expect(text).toContain('nano_access_ipc_inflight_bytes_limit 262144\n');
      expect(text).toContain('nano_access_ipc_inflight_refused_total 0\n');
      expect(text).toContain('nano_access_ipc_connections_open{transport="tcp"} 1\n');
      expect(text).toContain('nano_access_ipc_connections_refused_total{transport="local"} 0\n');
      expect(text).toContain('nano_access_ipc_queued_event_bytes 0\n');
    });
  });

  describe('max_queued_event_bytes, bytes of events queued for subscribers over the whole server', () => {
    it('cuts the subscriber holding the most queued events when the budget is exhausted; a subscriber that reads keeps its events', async () => {
      await start((c) => {
        c.ipc.maxQueuedEventBytes = 1024 * 1024;
      });
      // Three sessions, in a known order; the first two stop reading (unix sockets: small kernel buffers).
      const slowA = await peer('local');
      await isAlive(slowA);
      const slowB = await peer('local');
      await isAlive(slowB);
      const reader = await peer('tcp');
      await isAlive(reader);
      const [sessionA, sessionB, sessionReader] = dispatcher.sessions;
      slowA.socket.pause();
      slowB.socket.pause();

      const event: ResponseEnvelope = {
        time: 1,
        message_type: 'EventConfirmation',
        message: { padding: 'x'.repeat(64 * 1024) },
      };
      let pushed = 0;
      let maxUsed = 0;
      // Old behaviour: nothing is cut below 16 MiB per connection, so stop well before that.
      while (pushed < 8 * 1024 * 1024 && servers!.stats().events.cutoffs.global === 0) {
        sessionA.push(event);
        sessionB.push(event);
        sessionReader.push(event);
        pushed += 64 * 1024;
        await new Promise((resolve) => setImmediate(resolve));
        maxUsed = Math.max(maxUsed, servers!.stats().events.used);
      }
      expect(servers!.stats().events.cutoffs).toEqual({ connection: 0, global: 1 });
      expect(maxUsed).toBeLessThanOrEqual(1024 * 1024);
      // One of the two slow subscribers is gone (a paused peer sees the close once it reads again).
      await waitFor(() => dispatcher.closed.length === 1, 5000, 'the cut session to be closed');
      expect([sessionA, sessionB]).toContain(dispatcher.closed[0]);
      slowA.socket.resume();
      slowB.socket.resume();
      const cut = dispatcher.closed[0] === sessionA ? slowA : slowB;
      expect(await cut.waitClosed()).toBe(true);
      // Every event pushed to the reader arrives, and it stays connected.
      const count = pushed / (64 * 1024);
      for (let i = 0; i < count; i++) expect((await reader.nextJson()).message_type).toBe('EventConfirmation');
      expect(reader.closed).toBe(false);
      expect(servers!.metricsText()).toContain('nano_access_ipc_slow_consumers_total{reason="global"} 1\n');
      expect(warnings.filter((line) => line.code === 'NA_IPC_SLOW_CONSUMER')).toEqual([
        expect.objectContaining({ reason: 'global', limit: 1024 * 1024 }),
      ]);
    });
  });
});
