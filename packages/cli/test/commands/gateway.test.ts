import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inProcess } from '../helpers/in-process';
import { startIpcServer, type InProcessIpcServer } from '../helpers/ipc-server';

const REPO = join(__dirname, '..', '..', '..', '..');
const READER = 'wallet-reader-0b6e2f9c-71d4-4a3e-8c52-f1d09a7b3e64';
const ACCESS = `[[user]]\nid = ""\n\n[[user]]\nid = "${READER}"\nallow = "wallet_read"\nbare = true\n`;

function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
      );
    });
    req.on('error', reject);
    req.end(Buffer.from(body));
  });
}

/** Runs `nano-access gateway` in this process until `stop()`; output captured. */
function runGateway(dataDir: string): ReturnType<typeof inProcess> {
  return inProcess(['gateway', '--data', dataDir], { cwd: dataDir });
}

describe('nano-access gateway --data DIR', () => {
  let ipc: InProcessIpcServer;
  let dir: string;

  beforeAll(async () => {
    ipc = await startIpcServer(ACCESS);
    dir = ipc.dir;
  });
  afterAll(() => ipc.close());

  it('serves until stopped, forwarding to the IPC server of [process]', async () => {
    writeFileSync(
      join(dir, 'config-rpc.toml'),
      `port = 0\n[process]\nipc_port = ${ipc.port}\nnum_ipc_connections = 1\n`,
    );
    writeFileSync(join(dir, 'config-access.toml'), ACCESS);
    chmodSync(join(dir, 'config-access.toml'), 0o644);
    const run = runGateway(dir);
    const deadline = Date.now() + 20_000;
    while (!/listening on (http:\/\/\S+)/.test(run.out()) && Date.now() < deadline) {
      if (run.err().includes('not starting')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const url = /listening on (http:\/\/\S+)/.exec(run.out())?.[1];
    expect({ url, err: run.err() }).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(run.out()).toContain(`forwarding to IPC tcp 127.0.0.1:${ipc.port} over 1 connections`);

    const defaultUser = await post(url!, JSON.stringify({ action: 'block_count' }));
    expect(defaultUser).toEqual({ status: 200, json: { error: 'Access denied' } }); // the default user has no account_query
    const denied = await post(url!, JSON.stringify({ action: 'account_list', wallet: '0'.repeat(64) }), {
      'Nano-Api-Key': 'nobody',
    });
    expect(denied).toEqual({ status: 200, json: { error: 'Access denied' } });
    const forwarded = await post(url!, JSON.stringify({ action: 'account_list', wallet: '0'.repeat(64) }), {
      'Nano-Api-Key': READER,
    });
    expect(forwarded.status).toBe(200);
    expect(forwarded.json).toHaveProperty('error'); // the backend's answer for an unknown wallet, forwarded

    run.stop();
    expect(await run.exit).toBe(0);
    expect(run.out()).toContain('stopped');
  });

  it('runs as its own process, logs the security findings of its file, and reloads the policy on SIGHUP (the binary)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'na-cli-gateway-hup-'));
    writeFileSync(join(data, 'config-rpc.toml'), `port = 0\n[process]\nipc_port = ${ipc.port}\n`);
    writeFileSync(join(data, 'config-access.toml'), ACCESS);
    // Readable by others (a git checkout's mode): served, with file-mode's warning in the log.
    chmodSync(join(data, 'config-access.toml'), 0o644);
    const bin = join(REPO, 'packages', 'cli', 'bin', 'nano-access.js');
    const child = spawn(process.execPath, [bin, 'gateway', '--data', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'info', NANO_ACCESS_LOG_FORMAT: 'json' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let deadline = Date.now() + 30_000;
      while (!/listening on (http:\/\/\S+)/.test(out) && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      expect({ url, err }).toMatchObject({ url: expect.stringMatching(/^http:/) });
      // The log is written asynchronously (a batch every few ms), on stderr: the warning may
      // arrive after the listening line on stdout.
      while (!err.includes('"rule":"file-mode"') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 20));
      const records = err
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records.find((r) => r.rule === 'file-mode')).toMatchObject({
        level: 40,
        messageId: 'readable',
        msg: expect.stringContaining('mode 0644'),
      });
      const list = () =>
        post(url!, JSON.stringify({ action: 'account_list', wallet: '0'.repeat(64) }), { 'Nano-Api-Key': READER });
      expect((await list()).status).toBe(200);
      // Drop the reader's wallet_read, then ask for a reload by signal.
      writeFileSync(
        join(data, 'config-access.toml'),
        ACCESS.replace('allow = "wallet_read"', 'allow = "account_query"'),
      );
      child.kill('SIGHUP');
      deadline = Date.now() + 20_000;
      while (!err.includes('reload requested by signal') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(err).toContain('reload requested by signal');
      let body: unknown;
      while (Date.now() < deadline) {
        body = (await list()).json;
        if ((body as { error?: unknown }).error === 'Access denied') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(body).toEqual({ error: 'Access denied' });
      expect(child.exitCode).toBeNull(); // SIGHUP did not kill it
    } finally {
      child.kill('SIGINT');
      rmSync(data, { recursive: true, force: true });
    }
    expect(await exited).toBe(0);
    expect(out).toContain('stopped');
  });

  it('refuses to start on an unknown config-rpc.toml key, with its line and column', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'na-cli-gateway-bad-'));
    try {
      writeFileSync(join(bad, 'config-rpc.toml'), 'port = 0\nenable_contol = true\n');
      const run = runGateway(bad);
      expect(await run.exit).toBe(2);
      expect(run.err()).toMatch(/config-rpc\.toml:2:1/);
      expect(run.err()).toContain('NA_GATEWAY_CONFIG_INVALID');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('refuses to start when config-rpc.toml exists but cannot be read, naming the system error', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'na-cli-gateway-unreadable-'));
    try {
      mkdirSync(join(bad, 'config-rpc.toml')); // a directory: unreadable as a file, even for root
      const run = runGateway(bad);
      expect(await run.exit).toBe(2);
      expect(run.err()).toContain('EISDIR');
      expect(run.err()).toContain('NA_GATEWAY_CONFIG_UNREADABLE');
      expect(run.err()).not.toContain('NA_GATEWAY_CONFIG_INVALID');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('refuses to start when [cache.ttl] names an action whose answer may not be shared, at its line and column', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'na-cli-gateway-cache-'));
    try {
      writeFileSync(
        join(bad, 'config-rpc.toml'),
        'port = 0\n[cache]\nenable = true\n[cache.ttl]\nwallet_balances = 5\n',
      );
      const run = runGateway(bad);
      expect(await run.exit).toBe(2);
      expect(run.err()).toMatch(/config-rpc\.toml:5:1/);
      expect(run.err()).toContain('"wallet_balances" cannot be cached');
      expect(run.err()).toContain('NA_GATEWAY_CONFIG_INVALID');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('refuses to start when the port is taken', async () => {
    const busy = mkdtempSync(join(tmpdir(), 'na-cli-gateway-busy-'));
    const first = runGateway(dir);
    try {
      const deadline = Date.now() + 20_000;
      while (!/listening on http:\/\/127\.0\.0\.1:(\d+)/.test(first.out()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(first.out())![1];
      writeFileSync(join(busy, 'config-rpc.toml'), `port = ${port}\n`);
      const second = runGateway(busy);
      expect(await second.exit).toBe(2);
      expect(second.err()).toContain('NA_GATEWAY_LISTEN_FAILED');
    } finally {
      first.stop();
      await first.exit;
      rmSync(busy, { recursive: true, force: true });
    }
  });
});

/** Runs one printed curl line as printed (with the real curl when installed). */
function runCurlLine(line: string): string {
  if (existsSync('/usr/bin/curl') || existsSync('/usr/local/bin/curl')) {
    const run = spawnSync('bash', ['-c', line], { encoding: 'utf8', timeout: 20_000 });
    return run.stdout;
  }
  throw new Error('curl is not installed: cannot check the printed lines as printed');
}

describe('npm start (serve --data fixtures/data): the printed curl lines work as printed', () => {
  it('prints where it listens and three curl lines (allowed, denied, legacy), and stops cleanly on SIGINT', async () => {
    const bin = join(REPO, 'packages', 'cli', 'bin', 'nano-access.js');
    const data = mkdtempSync(join(tmpdir(), 'na-cli-start-'));
    const socket = join(data, 'ipc.sock');
    try {
      // The bundled data directory, on ephemeral ports and a private socket so parallel runs do not collide.
      for (const name of ['config-access.toml', 'ledger.json'])
        copyFileSync(join(REPO, 'fixtures', 'data', name), join(data, name));
      chmodSync(join(data, 'config-access.toml'), 0o600);
      const node = readFileSync(join(REPO, 'fixtures', 'data', 'config-node.toml'), 'utf8')
        .replace(/^port = 7077$/m, 'port = 0')
        .replace(/^path = .*$/m, `path = ${JSON.stringify(socket)}`);
      writeFileSync(join(data, 'config-node.toml'), node);
      const rpc = readFileSync(join(REPO, 'fixtures', 'data', 'config-rpc.toml'), 'utf8').replace(
        /^port = 7076$/m,
        'port = 0',
      );
      expect(rpc).toContain('port = 0');
      writeFileSync(join(data, 'config-rpc.toml'), rpc);

      const child = spawn(process.execPath, [bin, 'serve', '--data', data], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'warn' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const deadline = Date.now() + 30_000;
        while ((out.match(/^ {2}curl /gm) ?? []).length < 3 && Date.now() < deadline && child.exitCode === null)
          await new Promise((r) => setTimeout(r, 50));
        expect({ out, err }).toMatchObject({
          out: expect.stringMatching(/gateway listening on http:\/\/127\.0\.0\.1:\d+/),
        });
        expect(out).toContain(`listening on unix ${socket}`);
        const lines = out
          .split('\n')
          .filter((l) => l.startsWith('  curl '))
          .map((l) => l.trim());
        expect(lines).toHaveLength(3);
        expect(lines.join('\n')).not.toMatch(/Nano-Api-Key: (wallet|service|ops)/); // no configured key is printed

        const allowed = JSON.parse(runCurlLine(lines[0])) as { message_type: string };
        expect(allowed.message_type).toBe('AccountWeightResponse');
        expect(runCurlLine(lines[1]).trim()).toBe('{"error":"Access denied"} (HTTP 200)');
        const legacy = JSON.parse(runCurlLine(lines[2])) as Record<string, unknown>;
        expect(legacy).not.toHaveProperty('error');
        expect(existsSync(socket)).toBe(true);
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).toBe(0);
      expect(out).toContain('stopped');
      expect(existsSync(socket)).toBe(false);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
