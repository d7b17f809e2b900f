import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { IpcClient } from '@nano-access/ipc-server';
import { inProcess, waitFor } from '../helpers/in-process';

const REPO = path.join(__dirname, '..', '..', '..', '..');
const BIN = path.join(REPO, 'packages', 'cli', 'bin', 'nano-access.js');
const LEDGER = path.join(REPO, 'fixtures', 'data', 'ledger.json');
const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
const USER = 'user-5f0c2a9e-3b1d-4c7e-9a8f-2d6b4e1c0f37';

/** A data directory: ledger, IPC on a temp socket and an ephemeral TCP port, gateway on an ephemeral port. */
function dataDir(access: string | null, nodeToml?: string): { dir: string; socket: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-serve-'));
  const socket = path.join(dir, 'ipc.sock');
  fs.copyFileSync(LEDGER, path.join(dir, 'ledger.json'));
  fs.writeFileSync(
    path.join(dir, 'config-node.toml'),
    nodeToml ?? `[node.ipc.tcp]\nenable = true\nport = 0\n\n[node.ipc.local]\nenable = true\npath = "${socket}"\n`,
  );
  fs.writeFileSync(path.join(dir, 'config-rpc.toml'), 'port = 0\n');
  if (access !== null) fs.writeFileSync(path.join(dir, 'config-access.toml'), access, { mode: 0o600 });
  return { dir, socket, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('nano-access serve --data DIR', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('refuses a config-node.toml with an unknown key: file:line:col on stderr, exit 2', async () => {
    const data = dataDir(null, '[node.ipc.tcp]\nenable = true\nprot = 7077\n');
    cleanups.push(data.cleanup);
    const run = inProcess(['serve', '--data', data.dir]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain(`${path.join(data.dir, 'config-node.toml')}:3:1: error:`);
    expect(run.err()).toContain('NA_IPC_CONFIG_INVALID');
    expect(run.out()).toBe('');
  });

  it('refuses a broken access file at start: diagnostics with file:line:col, exit 2, no stack trace', async () => {
    const data = dataDir('[[user]]\nid = "a"\nallow = "no_such_permission"\n');
    cleanups.push(data.cleanup);
    const run = inProcess(['serve', '--data', data.dir]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toMatch(/config-access\.toml:3:\d+: error: /);
    expect(run.err()).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(data.socket)).toBe(false);
  });

  it('refuses a socket path a live server answers on, with its code, exit 2', async () => {
    const data = dataDir(null);
    cleanups.push(data.cleanup);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(data.socket, resolve));
    cleanups.push(() => squatter.close());
    const run = inProcess(['serve', '--data', data.dir]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain('NA_IPC_SOCKET_IN_USE');
  });

  it('refuses to start with an access-check secret others can read, exit 2', async () => {
    const data = dataDir(null);
    cleanups.push(data.cleanup);
    fs.writeFileSync(path.join(data.dir, 'secret'), 'a-secret-of-at-least-16-bytes\n', { mode: 0o644 });
    fs.chmodSync(path.join(data.dir, 'secret'), 0o644);
    fs.writeFileSync(
      path.join(data.dir, 'config-node.toml'),
      '[node.ipc.tcp]\nenable = true\nport = 0\naccess_check = true\naccess_file = "secret"\n',
    );
    const run = inProcess(['serve', '--data', data.dir]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain('NA_IPC_ACCESS_FILE_PERMISSIONS');
    expect(run.err()).toContain('chmod 600');
  });

  it('serves until stopped, then closes cleanly and removes the socket file', async () => {
    const data = dataDir(`[[user]]\nid = "${USER}"\ndeny = "api_account_weight"\n`);
    cleanups.push(data.cleanup);
    const run = inProcess(['serve', '--data', data.dir]);
    await waitFor(() => run.out().includes('listening on unix'), 'the listening line');
    expect(run.out()).toMatch(/listening on tcp 127\.0\.0\.1:\d+/);
    expect(run.out()).toContain(`listening on unix ${data.socket} (mode 0600)`);
    const client = new IpcClient({ path: data.socket, env: {} });
    const denied = await client.call({
      message_type: 'AccountWeight',
      message: { account: ACCOUNT },
      credentials: USER,
    });
    expect(denied.message).toEqual({ code: 3, message: 'Access denied' });
    const allowed = await client.call({ message_type: 'AccountWeight', message: { account: ACCOUNT } });
    expect(allowed.message_type).toBe('AccountWeightResponse');
    await client.close();
    run.stop();
    expect(await run.exit).toBe(0);
    expect(fs.existsSync(data.socket)).toBe(false);
  });

  it("serves the IPC servers' connections and byte budgets on the gateway's /metrics", async () => {
    const data = dataDir(null);
    cleanups.push(data.cleanup);
    fs.writeFileSync(
      path.join(data.dir, 'config-node.toml'),
      `[node.ipc]\nmax_inflight_bytes = 4194304\n\n[node.ipc.tcp]\nenable = true\nport = 0\nmax_connections = 3\n\n[node.ipc.local]\nenable = true\npath = "${data.socket}"\n`,
    );
    const run = inProcess(['serve', '--data', data.dir]);
    await waitFor(() => /gateway listening on (\S+)/.test(run.out()), 'the gateway line');
    const url = /gateway listening on (\S+)/.exec(run.out())![1];
    const client = new IpcClient({ path: data.socket, env: {} });
    await client.call({ message_type: 'IsAlive', message: {} });
    const text = await new Promise<string>((resolve, reject) => {
      http
        .get(`${url}/metrics`, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    expect(text).toContain('nano_access_ipc_connections_open{transport="local"} 1\n');
    expect(text).toContain('nano_access_ipc_connections_max{transport="tcp"} 3\n');
    expect(text).toContain('nano_access_ipc_connections_max{transport="local"} 1024\n');
    expect(text).toContain('nano_access_ipc_inflight_bytes 0\n');
    expect(text).toContain('nano_access_ipc_inflight_bytes_limit 4194304\n');
    expect(text).toContain('nano_access_ipc_inflight_refused_total 0\n');
    expect(text).toContain('nano_access_ipc_queued_event_bytes_limit 33554432\n');
    expect(text).toContain('nano_access_ipc_slow_consumers_total{reason="global"} 0\n');
    await client.close();
    run.stop();
    expect(await run.exit).toBe(0);
  });

  it('stops on the unsafe `stop` action over encoding 2 when the transport allows unsafe', async () => {
    const data = dataDir(null);
    cleanups.push(data.cleanup);
    fs.writeFileSync(
      path.join(data.dir, 'config-node.toml'),
      `[node.ipc.local]\nenable = true\npath = "${data.socket}"\nallow_unsafe = true\n`,
    );
    const run = inProcess(['serve', '--data', data.dir]);
    await waitFor(() => run.out().includes('listening on unix'), 'the listening line');
    const client = new IpcClient({ path: data.socket, env: {} });
    expect(await client.legacy({ action: 'stop' })).toEqual({ error: 'Unsafe RPC not allowed' });
    expect(await client.legacy({ action: 'stop' }, { unsafe: true })).toEqual({ success: '' });
    expect(await run.exit).toBe(0);
    await client.close();
    expect(fs.existsSync(data.socket)).toBe(false);
  });

  it('relays the confirmations a node pushes on its WebSocket to a TopicConfirmation subscriber (node-rpc backend)', async () => {
    // Stand-ins for a Nano node (none can run in tests): its RPC over real HTTP, its WebSocket over real ws.
    const rpc = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"rpc_version":"1"}'),
    );
    await new Promise<void>((resolve) => rpc.listen(0, '127.0.0.1', () => resolve()));
    const ws = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => ws.once('listening', () => resolve()));
    const subscribed = new Promise<import('ws').WebSocket>((resolve) =>
      ws.on('connection', (socket) =>
        socket.on('message', (data) => {
          if ((JSON.parse((data as Buffer).toString()) as { topic?: string }).topic === 'confirmation') resolve(socket);
        }),
      ),
    );
    cleanups.push(
      () => rpc.close(),
      () => rpc.closeAllConnections(),
      () => ws.clients.forEach((c) => c.terminate()),
      () => ws.close(),
    );
    // (a TopicConfirmation needs api_topic_confirmation; the default user does not have it)
    const data = dataDir(`[[user]]\nid = "${USER}"\nallow = "api_topic_confirmation"\n`);
    cleanups.push(data.cleanup);
    fs.writeFileSync(
      path.join(data.dir, 'config-node.toml'),
      `[node.ipc.local]\nenable = true\npath = "${data.socket}"\n\n[backend]\ntype = "node-rpc"\n` +
        `url = "http://127.0.0.1:${(rpc.address() as AddressInfo).port}"\nwebsocket = "ws://127.0.0.1:${(ws.address() as AddressInfo).port}"\n`,
    );
    const run = inProcess(['serve', '--data', data.dir]);
    cleanups.push(() => run.stop()); // a failed expectation must not leave the server running
    await waitFor(() => run.out().includes('listening on unix'), 'the listening line');
    const client = new IpcClient({ path: data.socket, env: {} });
    const events: Array<{ message_type: string; message: Record<string, unknown> }> = [];
    client.on('event', (event) => events.push(event));
    const ack = await client.call({ message_type: 'TopicConfirmation', message: {}, credentials: USER });
    expect(ack.message_type).toBe('EventAck');
    const node = await subscribed;
    const send = JSON.parse(fs.readFileSync(LEDGER, 'utf8')).blocks.find(
      (b: { subtype: string }) => b.subtype === 'send',
    );
    const block = { ...send.contents, type: 'state', subtype: 'send' };
    node.send(
      JSON.stringify({
        topic: 'confirmation',
        time: '1',
        message: { account: block.account, amount: '1', hash: send.hash, confirmation_type: 'active_quorum', block },
      }),
    );
    await waitFor(() => events.length === 1, 'the EventConfirmation over IPC');
    expect(events[0]).toMatchObject({
      message_type: 'EventConfirmation',
      message: { hash: send.hash, account: block.account, block_type: 'BlockState' },
    });
    await client.close();
    run.stop();
    expect(await run.exit).toBe(0);
  });

  it('applies [backend] max_response_bytes_in_flight: a node answer past it is refused with a clear error, counted in /metrics', async () => {
    // A stand-in node (none can run in tests) whose `version` answer announces 2 MiB.
    const big = `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    const rpc = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }).end(big),
      );
    });
    await new Promise<void>((resolve) => rpc.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(
      () => rpc.close(),
      () => rpc.closeAllConnections(),
    );
    const data = dataDir('[[user]]\nid = ""\nallow = "node_query"\n');
    cleanups.push(data.cleanup);
    fs.writeFileSync(
      path.join(data.dir, 'config-node.toml'),
      `[node.ipc.local]\nenable = true\npath = "${data.socket}"\n\n[backend]\ntype = "node-rpc"\n` +
        `url = "http://127.0.0.1:${(rpc.address() as AddressInfo).port}"\nmax_response_bytes_in_flight = 1048576\n`,
    );
    const run = inProcess(['serve', '--data', data.dir]);
    cleanups.push(() => run.stop());
    await waitFor(() => /gateway listening on (\S+)/.test(run.out()), 'the gateway line');
    const base = /gateway listening on (\S+)/.exec(run.out())![1];
    const post = await fetch(`${base}/`, { method: 'POST', body: '{"action":"version"}' });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({
      error:
        'Upstream answer refused: node answers being received exceed max_response_bytes_in_flight (1048576 bytes); retry later',
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('nano_access_node_rpc_response_budget_refusals_total 1');
    expect(metrics).toContain('nano_access_node_rpc_response_bytes_limit 1048576');
    run.stop();
    expect(await run.exit).toBe(0);
  });

  describe('as a real child process (built dist)', () => {
    let child: ChildProcess | null = null;
    afterEach(() => {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      child = null;
    });

    function runCli(
      args: string[],
      env: NodeJS.ProcessEnv = {},
    ): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        const p = spawn(process.execPath, [BIN, ...args], {
          env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'silent', ...env },
        });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        p.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it('answers `ipc call`, picks up a policy change (SIGHUP and file watch), and exits 0 on SIGTERM removing its socket', async () => {
      const data = dataDir(`[[user]]\nid = "${USER}"\ndeny = "api_account_weight"\n`);
      cleanups.push(data.cleanup);
      const serve = spawn(process.execPath, [BIN, 'serve', '--data', data.dir], {
        env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'silent' },
      });
      child = serve;
      let out = '';
      let err = '';
      serve.stdout.on('data', (c: Buffer) => (out += c.toString()));
      serve.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((resolve) => serve.on('exit', (code) => resolve(code)));
      await waitFor(() => out.includes('listening on unix') || serve.exitCode !== null, 'serve to listen');
      expect(err).toBe('');
      const port = /listening on tcp 127\.0\.0\.1:(\d+)/.exec(out)![1];

      const request = JSON.stringify({ message_type: 'AccountWeight', message: { account: ACCOUNT } });
      const denied = await runCli(['ipc', 'call', '--credentials', USER, request], { NANO_IPC_PATH: data.socket });
      expect(denied.code).toBe(1);
      expect(JSON.parse(denied.stdout).message).toEqual({ code: 3, message: 'Access denied' });

      fs.writeFileSync(
        path.join(data.dir, 'config-access.toml'),
        `[[user]]\nid = "${USER}"\nallow = "api_account_weight"\n`,
      );
      serve.kill('SIGHUP');
      // The reload (SIGHUP, or the file watch) is asynchronous: poll for the new decision.
      let allowed = await runCli([
        'ipc',
        'call',
        '--host',
        '127.0.0.1',
        '--port',
        port,
        '--credentials',
        USER,
        request,
      ]);
      const deadline = Date.now() + 20_000;
      while (allowed.code !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        allowed = await runCli(['ipc', 'call', '--host', '127.0.0.1', '--port', port, '--credentials', USER, request]);
      }
      expect(allowed.code).toBe(0);
      expect(JSON.parse(allowed.stdout).message_type).toBe('AccountWeightResponse');

      const legacy = await runCli([
        'ipc',
        'call',
        '-e',
        '1',
        '--path',
        data.socket,
        '--compact',
        '{"action":"block_count"}',
      ]);
      expect(legacy.code).toBe(0);
      expect(JSON.parse(legacy.stdout).count).toMatch(/^\d+$/);

      serve.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('stopped');
      expect(fs.existsSync(data.socket)).toBe(false);
    }, 90_000);
  });
});
