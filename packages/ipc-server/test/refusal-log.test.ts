import * as net from 'node:net';
import pino from 'pino';
import { startIpcServers, type IpcServers } from '../src/server';
import { EchoDispatcher, frame, makeTempDir, RawPeer, tcpPort, testConfig, waitFor } from './helpers';

/** A flood of refused connections writes a bounded number of log lines (finding 4 of docs/reliability.md). */
describe('refused connections are logged with a bound', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers | null = null;
  let lines: Array<Record<string, any>>;
  const peers: RawPeer[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    lines = [];
  });
  afterEach(async () => {
    peers.splice(0).forEach((p) => p.destroy());
    await servers?.close();
    servers = null;
    temp.cleanup();
  });

  async function start(refusalLogIntervalMs?: number): Promise<void> {
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    servers = await startIpcServers({
      config: testConfig(temp.dir, (c) => {
        c.ipc.local.enable = true;
        c.ipc.maxConnections = 1;
      }),
      dispatcher: new EchoDispatcher(),
      logger,
      dataDir: temp.dir,
      refusalLogIntervalMs,
    });
    // Hold the one connection each transport allows, known to be accepted (it answered).
    const local = servers.addresses().find((a) => a.transport === 'local') as { path: string };
    for (const target of [{ port: tcpPort(servers) }, local.path]) {
      const holder = await RawPeer.connect(target);
      peers.push(holder);
      holder.write(frame(1, '{"action":"hold"}'));
      await holder.nextJson();
    }
  }

  /** Opens n connections over each transport at once and waits until the server refused them all. */
  async function flood(n: number): Promise<void> {
    const local = servers!.addresses().find((a) => a.transport === 'local') as { path: string };
    const closed: Array<Promise<void>> = [];
    for (let i = 0; i < n; i++) {
      for (const target of [{ port: tcpPort(servers!), host: '127.0.0.1' }, { path: local.path }]) {
        const socket = net.createConnection(target);
        socket.on('error', () => undefined);
        closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
      }
    }
    await Promise.all(closed);
    await waitFor(() => servers!.refusedCount() === 2 * n, 10_000, 'every refusal to be counted');
  }

  const refusalLines = (): Array<Record<string, any>> => lines.filter((l) => /max_connections reached/.test(l.msg));

  it('logs the first refusal, then one summary with the count, for a flood of 200 within one interval', async () => {
    await start(3_600_000);
    await flood(100);
    expect(servers!.refusedCount()).toBe(200);
    // Within the interval: only the first refusal so far.
    expect(refusalLines()).toHaveLength(1);
    expect(refusalLines()[0]).toMatchObject({
      level: 40,
      code: 'NA_IPC_TOO_MANY_CONNECTIONS',
      refused: 1,
      maxConnections: 1,
    });
    await servers!.close();
    servers = null;
    // On close, the rest is summarized in one line: nothing refused goes unreported.
    const refused = refusalLines();
    expect(refused).toHaveLength(2);
    expect(refused[1]).toMatchObject({ refused: 199, refusedTotal: 200 });
    expect(refused[1].byTransport.tcp + refused[1].byTransport.local).toBe(199);
    expect(refused[1].byTransport.local).toBeGreaterThanOrEqual(99);
    expect(refused[1].maxConnections).toEqual({ tcp: 1, local: 1 });
  });

  it('writes the summary at the end of the interval without waiting for close, and the counts add up', async () => {
    await start(50);
    await flood(100);
    await waitFor(() => refusalLines().reduce((sum, l) => sum + l.refused, 0) === 200, 10_000, 'the summary line');
    expect(servers!.refusedCount()).toBe(200);
    expect(refusalLines().at(-1)!.refusedTotal).toBe(200);
  });
});
