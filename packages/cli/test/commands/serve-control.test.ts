import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { IpcClient } from '@nano-access/ipc-server';

// The control gate and stopping the node, against `nano-access serve` as a real child process
// (built dist): its gateway over real HTTP, its IPC server over real TCP.

const REPO = path.join(__dirname, '..', '..', '..', '..');
const BIN = path.join(REPO, 'packages', 'cli', 'bin', 'nano-access.js');
const LEDGER = path.join(REPO, 'fixtures', 'data', 'ledger.json');

const PUBLISHER = 'publisher-3a7c1e90-55d2-4b8f-9e61-0c4d2b8a7f13';
const SERVICE = 'service-7e2b9c41-08af-4d53-b6e0-5f1a3c9d2e84';
const STOPPER = 'stopper-c5d8e2a7-9b14-4f06-a3e9-71b0d6c4f258';
const ACCESS = [
  `[[user]]\nid = "${PUBLISHER}"\nallow = "block_publish, node_query"\nbare = true\n`,
  `[[user]]\nid = "${SERVICE}"\nallow = "service"\nbare = true\n`,
  `[[user]]\nid = "${STOPPER}"\nallow = "service, api_stop"\nbare = true\n`,
].join('\n');

/** Values of `force` the node may read as on, or that are simply not plainly off: each needs control. */
const FORCE_NEEDS_CONTROL: unknown[] = [
  true,
  'true',
  '1',
  1,
  1.5,
  2,
  -1,
  '01',
  '+1',
  ' true',
  'TRUE',
  'yes',
  ' 1',
  '1 ',
  'on',
  '',
  null,
  [1],
  [],
  {},
  { force: true },
];
/** The only values at which `force` is off (absent is off too). */
const FORCE_OFF: unknown[] = [false, 'false', 0, '0'];
/** `stats` `type` values other than the plain non-control types. */
const STATS_TYPE_NEEDS_CONTROL: unknown[] = [
  'objects',
  'OBJECTS',
  ' objects',
  'objects ',
  ['objects'],
  { objects: true },
  1,
  true,
  null,
  '',
];

interface Serve {
  child: ChildProcess;
  http: string;
  ipcPort: number;
  exited: Promise<number | null>;
  out(): string;
}

interface StandInNode {
  url: string;
  /** The requests the node received, in order. */
  received: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * A stand-in for the Nano node's RPC (a real node cannot run in tests): a real HTTP server that
 * records every request the node-rpc backend forwards, so a test can see what reached the node.
 */
async function standInNode(): Promise<StandInNode> {
  const received: Array<Record<string, unknown>> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      received.push(body);
      const answer =
        body.action === 'process'
          ? { hash: '0'.repeat(64) }
          : body.action === 'stats'
            ? { type: String(body.type) }
            : { error: 'Unknown command' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function post(
  base: string,
  pathName: string,
  body: unknown,
  apiKey?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
    if (apiKey !== undefined) headers['nano-api-key'] = apiKey;
    const req = http.request(new URL(pathName, base), { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('nano-access serve: control flags and stopping the node', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Starts `nano-access serve` on a fresh data directory (TCP IPC and the gateway on ephemeral ports). */
  async function serve(options: { rpc?: string; node?: string } = {}): Promise<Serve> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-control-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.copyFileSync(LEDGER, path.join(dir, 'ledger.json'));
    fs.writeFileSync(
      path.join(dir, 'config-node.toml'),
      `[node.ipc.tcp]\nenable = true\nport = 0\n${options.node ?? ''}`,
    );
    fs.writeFileSync(path.join(dir, 'config-rpc.toml'), `port = 0\n${options.rpc ?? ''}`);
    fs.writeFileSync(path.join(dir, 'config-access.toml'), ACCESS, { mode: 0o600 });
    const child = spawn(process.execPath, [BIN, 'serve', '--data', dir], {
      env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'silent' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    await waitFor(() => /gateway listening on http:\/\/\S+/.test(out) || child.exitCode !== null, 'serve to listen');
    const ipcPort = Number(/listening on tcp 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    const httpUrl = /gateway listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (httpUrl === undefined || !Number.isInteger(ipcPort)) throw new Error(`serve did not start:\n${out}`);
    return { child, http: httpUrl, ipcPort, exited, out: () => out };
  }

  function ipcClient(port: number): IpcClient {
    const client = new IpcClient({ host: '127.0.0.1', port, timeoutMs: 10_000, env: {} });
    cleanups.push(() => client.close());
    return client;
  }

  /** The server answers on both edges and its process runs. */
  async function expectAlive(server: Serve): Promise<void> {
    const alive = await post(server.http, '/api/v2/IsAlive', {});
    expect(alive.json.message_type).toBe('IsAlive');
    const client = ipcClient(server.ipcPort);
    expect((await client.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
  }

  describe('process `force` and stats `type` (enable_control = false, allow_unsafe = false)', () => {
    it('refuses every value of force that is not plainly off, over HTTP and IPC, and never forwards it to the node', async () => {
      const node = await standInNode();
      cleanups.push(() => node.close());
      const server = await serve({ node: `\n[backend]\ntype = "node-rpc"\nurl = "${node.url}"\n` });
      const client = ipcClient(server.ipcPort);
      for (const force of FORCE_NEEDS_CONTROL) {
        const request = { action: 'process', force, json_block: 'true', block: { type: 'state' } };
        const overHttp = await post(server.http, '/', request, PUBLISHER);
        expect({ force, status: overHttp.status, body: overHttp.json }).toEqual({
          force,
          status: 200,
          body: { error: 'Unsafe RPC not allowed' },
        });
        // Encoding 2 asks for unsafe; the transport's allow_unsafe is off. Encoding 1 never allows it.
        expect({ force, body: await client.legacy(request, { unsafe: true }) }).toEqual({
          force,
          body: { error: 'Unsafe RPC not allowed' },
        });
        expect({ force, body: await client.legacy(request) }).toEqual({
          force,
          body: { error: 'Unsafe RPC not allowed' },
        });
      }
      expect(node.received).toEqual([]);
      for (const type of STATS_TYPE_NEEDS_CONTROL) {
        const overHttp = await post(server.http, '/', { action: 'stats', type }, PUBLISHER);
        expect({ type, status: overHttp.status, body: overHttp.json }).toEqual({
          type,
          status: 200,
          body: { error: 'Unsafe RPC not allowed' },
        });
        expect({ type, body: await client.legacy({ action: 'stats', type }, { unsafe: true }) }).toEqual({
          type,
          body: { error: 'Unsafe RPC not allowed' },
        });
      }
      expect(node.received).toEqual([]);

      // Plainly off (or absent): forwarded, with the caller's permission as usual.
      for (const force of [...FORCE_OFF, undefined]) {
        const request = {
          action: 'process',
          ...(force === undefined ? {} : { force }),
          json_block: 'true',
          block: { type: 'state' },
        };
        const overHttp = await post(server.http, '/', request, PUBLISHER);
        expect({ force, status: overHttp.status, body: overHttp.json }).toEqual({
          force,
          status: 200,
          body: { hash: '0'.repeat(64) },
        });
        expect(await client.legacy(request)).toEqual({ hash: '0'.repeat(64) });
      }
      expect((await post(server.http, '/', { action: 'stats', type: 'counters' }, PUBLISHER)).json).toEqual({
        type: 'counters',
      });
      expect(node.received.map((r) => [r.action, r.force])).toEqual([
        ['process', false],
        ['process', false],
        ['process', 'false'],
        ['process', 'false'],
        ['process', 0],
        ['process', 0],
        ['process', '0'],
        ['process', '0'],
        ['process', undefined],
        ['process', undefined],
        ['stats', undefined],
      ]);
    }, 120_000);

    it('forwards force when control is on: enable_control over HTTP, allow_unsafe with encoding 2 over IPC', async () => {
      const node = await standInNode();
      cleanups.push(() => node.close());
      const server = await serve({
        rpc: 'enable_control = true\n',
        node: `allow_unsafe = true\n\n[backend]\ntype = "node-rpc"\nurl = "${node.url}"\n`,
      });
      const request = { action: 'process', force: '01', json_block: 'true', block: { type: 'state' } };
      expect((await post(server.http, '/', request, PUBLISHER)).json).toEqual({ hash: '0'.repeat(64) });
      const client = ipcClient(server.ipcPort);
      expect(await client.legacy(request)).toEqual({ error: 'Unsafe RPC not allowed' });
      expect(await client.legacy(request, { unsafe: true })).toEqual({ hash: '0'.repeat(64) });
      expect(node.received.map((r) => r.force)).toEqual(['01', '01']);
    }, 60_000);
  });

  describe('ServiceStop "node"', () => {
    it('is refused with code 3 (HTTP 200) without api_stop or without control, and the process keeps running', async () => {
      const server = await serve();
      const stopNode = { service_name: 'node' };
      for (const key of [SERVICE, STOPPER]) {
        const bare = await post(server.http, '/api/v2/ServiceStop', stopNode, key);
        expect(bare.status).toBe(200);
        expect(bare.json).toMatchObject({ message_type: 'Error', message: { code: 3, message: 'Access denied' } });
        const wrapped = await post(server.http, '/api/v2', {
          message_type: 'ServiceStop',
          message: stopNode,
          credentials: key,
          correlation_id: 'c-1',
        });
        expect(wrapped.status).toBe(200);
        expect(wrapped.json).toMatchObject({ message_type: 'Error', correlation_id: 'c-1', message: { code: 3 } });
      }
      // Over IPC (allow_unsafe off), in both encodings of v2.
      const client = ipcClient(server.ipcPort);
      for (const key of [SERVICE, STOPPER]) {
        const answer = await client.call({ message_type: 'ServiceStop', message: stopNode, credentials: key });
        expect(answer).toMatchObject({ message_type: 'Error', message: { code: 3, message: 'Access denied' } });
      }
      await new Promise((resolve) => setTimeout(resolve, 300)); // a stop, had one been asked for, would be under way
      await expectAlive(server);
      expect(server.out()).not.toContain('stopped');
    }, 60_000);

    it('with enable_control, still needs api_stop over HTTP; with it, stops the process', async () => {
      const server = await serve({ rpc: 'enable_control = true\n' });
      const refused = await post(server.http, '/api/v2/ServiceStop', { service_name: 'node' }, SERVICE);
      expect(refused.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
      // allow_unsafe is off on the IPC transport: the IPC edge refuses the holder of api_stop.
      const overIpc = await ipcClient(server.ipcPort).call({
        message_type: 'ServiceStop',
        message: { service_name: 'node' },
        credentials: STOPPER,
      });
      expect(overIpc).toMatchObject({ message_type: 'Error', message: { code: 3 } });
      await expectAlive(server);
      const stopped = await post(server.http, '/api/v2/ServiceStop', { service_name: 'node' }, STOPPER);
      expect(stopped.json.message_type).toBe('Success');
      expect(await server.exited).toBe(0);
    }, 60_000);

    it('over IPC with allow_unsafe, stops the process for the holder of api_stop', async () => {
      const server = await serve({ node: 'allow_unsafe = true\n' });
      const client = ipcClient(server.ipcPort);
      expect(
        await client.call({ message_type: 'ServiceStop', message: { service_name: 'node' }, credentials: SERVICE }),
      ).toMatchObject({ message: { code: 3 } });
      // The gateway of the same process has enable_control off.
      expect((await post(server.http, '/api/v2/ServiceStop', { service_name: 'node' }, STOPPER)).json).toMatchObject({
        message: { code: 3 },
      });
      await expectAlive(server);
      expect(
        (await client.call({ message_type: 'ServiceStop', message: { service_name: 'node' }, credentials: STOPPER }))
          .message_type,
      ).toBe('Success');
      expect(await server.exited).toBe(0);
    }, 60_000);
  });
});
