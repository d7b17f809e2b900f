import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Scale-out as operators run it: three `nano-access serve` replicas (the built binary), each with
 * the node-rpc backend against one stand-in node (an HTTP server speaking the node's RPC JSON: no
 * Nano node can run here), all reading one Kubernetes-style data directory (`..data` symlink
 * swapped as the kubelet does), behind nginx from Debian's packages as the load balancer (its own
 * prefix, configuration and port in a temporary directory, started and stopped by the test).
 * Figures it prints are in docs/operations.md, "Scaling out".
 */

const repoRoot = join(__dirname, '..', '..');
const BIN = join(repoRoot, 'packages', 'cli', 'bin', 'nano-access.js');
const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p));
const describeIfNginx = NGINX ? describe : describe.skip;
if (!NGINX)
  console.warn('scale-out.test.ts: skipped: nginx is absent (apt-get install -y nginx; .ci/run installs it).');

// Two keys whose decisions flip between the policies: each answer says which policy decided it.
const KEY_A = 'a1f0c3e5b7d9f1a3c5e7b9d1f3a5c7e9';
const KEY_B = 'b2e1d4f6a8c0e2b4d6f8a0c2e4b6d8f0';
const policyText = (queries: string, label: string): string =>
  `# ${label}\n[[user]]\nid = "${KEY_A}"\nallow = "${queries === 'A' ? 'account_query' : 'node_query'}"\n\n[[user]]\nid = "${KEY_B}"\nallow = "${queries === 'B' ? 'account_query' : 'node_query'}"\n`;
/** Policy "A" lets KEY_A call block_count and not KEY_B; "B" the other way round. */
const POLICIES = { v1: policyText('A', 'v1'), v2: policyText('B', 'v2'), v3: policyText('A', 'v3') };
const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The Kubernetes atomic-writer layout: ..<timestamp>/files, ..data -> ..<timestamp>, name -> ..data/name. */
class KubernetesStyleDir {
  private version = 0;
  constructor(
    readonly dir: string,
    private readonly files: Record<string, string>,
  ) {
    mkdirSync(dir, { recursive: true });
    this.write(files['config-access.toml']);
    for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(dir, name));
  }

  /** A new timestamped directory (files mode 0440, as defaultMode: 0440), then one rename of ..data. */
  write(accessText: string): void {
    const previous = this.version === 0 ? null : `..v${this.version}`;
    const next = `..v${++this.version}`;
    mkdirSync(join(this.dir, next), { mode: 0o755 });
    for (const [name, text] of Object.entries({ ...this.files, 'config-access.toml': accessText })) {
      writeFileSync(join(this.dir, next, name), text);
      chmodSync(join(this.dir, next, name), 0o440);
    }
    symlinkSync(next, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (previous) rmSync(join(this.dir, previous), { recursive: true, force: true });
  }
}

interface Replica {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

function startReplica(dataDir: string): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir], {
    env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'info', NANO_ACCESS_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const m = /^gateway listening on (http:\/\/\S+)/m.exec(stdout);
      if (m) resolve({ child, url: m[1], stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`replica exited ${code}: ${stdout}${stderr}`)));
  });
}

async function stopReplica(replica: Replica, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  const exited = new Promise((resolve) => replica.child.once('exit', resolve));
  replica.child.kill(signal);
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One request; the body and the upstream nginx chose (a header it adds). */
function post(
  url: string,
  key: string,
  agent: http.Agent,
): Promise<{ status: number; body: string; upstream: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'nano-api-key': key } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, upstream: String(res.headers['x-upstream'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.end('{"action":"block_count"}');
  });
}

async function getJson(url: string): Promise<{ status?: string; policy?: { hash: string; generation: number } }> {
  const res = await fetch(url);
  return (await res.json()) as { status?: string; policy?: { hash: string; generation: number } };
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Which policy decided an answer: "A" (KEY_A allowed, KEY_B denied) or "B". */
function decidedBy(key: string, body: string): 'A' | 'B' {
  const allowed = body.includes('"count"');
  if (!allowed && !body.includes('Access denied')) throw new Error(`unexpected answer ${body}`);
  return (key === KEY_A) === allowed ? 'A' : 'B';
}

describeIfNginx('scale-out: three replicas behind nginx, one policy from one ..data directory', () => {
  let work: string;
  let node: http.Server;
  let policyDir: KubernetesStyleDir;
  const replicas: Replica[] = [];
  let nginx: ChildProcess | null = null;
  let nginxUrl = '';
  let nginxPort = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  function nginxConf(): string {
    const servers = replicas.map((r) => `    server ${new URL(r.url).host} max_fails=1 fail_timeout=1s;`).join('\n');
    return [
      ...(process.getuid?.() === 0 ? ['user root root;'] : []),
      'worker_processes 1;',
      'daemon off;',
      'master_process on;',
      `pid ${join(work, 'nginx', 'nginx.pid')};`,
      `error_log ${join(work, 'nginx', 'error.log')} warn;`,
      'events { worker_connections 512; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${join(work, 'nginx', `${t}-temp`)};`,
      ),
      '  upstream replicas {',
      servers,
      '    keepalive 16;',
      '  }',
      '  server {',
      `    listen 127.0.0.1:${nginxPort};`,
      '    location / {',
      '      proxy_pass http://replicas;',
      '      proxy_http_version 1.1;',
      '      proxy_set_header Connection "";',
      '      proxy_next_upstream error timeout http_502;',
      '      add_header X-Upstream $upstream_addr always;',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
  }

  async function startNginx(): Promise<void> {
    mkdirSync(join(work, 'nginx'), { recursive: true });
    writeFileSync(join(work, 'nginx', 'nginx.conf'), nginxConf());
    const args = [
      '-p',
      join(work, 'nginx'),
      '-c',
      join(work, 'nginx', 'nginx.conf'),
      '-e',
      join(work, 'nginx', 'error.log'),
    ];
    const tested = spawnSync(NGINX!, [...args, '-t'], { encoding: 'utf8' });
    if (tested.status !== 0) throw new Error(`nginx -t: ${tested.stderr}`);
    nginx = spawn(NGINX!, args, { stdio: 'ignore' });
    nginxUrl = `http://127.0.0.1:${nginxPort}/`;
    await waitFor(
      async () => (await post(nginxUrl, KEY_A, agent).catch(() => null))?.status === 200,
      'nginx to answer',
    );
  }

  /** New upstreams (a restarted replica listens on a new port): rewrite the configuration and reload nginx (SIGHUP). */
  async function reloadNginx(): Promise<void> {
    writeFileSync(join(work, 'nginx', 'nginx.conf'), nginxConf());
    nginx!.kill('SIGHUP');
    // The new workers use the new upstream list; wait until every replica has answered through nginx.
    const seen = new Set<string>();
    await waitFor(async () => {
      const answer = await post(nginxUrl, KEY_A, agent).catch(() => null);
      if (answer?.status === 200) seen.add(answer.upstream);
      return replicas.every((r) => seen.has(new URL(r.url).host));
    }, 'every replica to answer through the reloaded nginx');
  }

  const hashes = async (): Promise<string[]> =>
    Promise.all(replicas.map(async (r) => (await getJson(`${r.url}/healthz`)).policy!.hash));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nano-access-scale-'));
    chmodSync(work, 0o755);
    // The stand-in node: block_count for allowed requests; anything else it is asked, a version answer.
    node = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const action = (JSON.parse(body || '{}') as { action?: string }).action;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          action === 'block_count'
            ? '{"count":"1000","unchecked":"0","cemented":"1000"}'
            : '{"rpc_version":"1","node_vendor":"stand-in"}',
        );
      });
    });
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    const nodeUrl = `http://127.0.0.1:${(node.address() as net.AddressInfo).port}`;

    policyDir = new KubernetesStyleDir(join(work, 'data'), {
      'config-access.toml': POLICIES.v1,
      'config-node.toml': `[node.ipc.local]\nenable = false\n\n[node.ipc.tcp]\nenable = true\naddress = "127.0.0.1"\nport = 0\n\n[backend]\ntype = "node-rpc"\nurl = "${nodeUrl}"\n`,
      'config-rpc.toml': 'address = "127.0.0.1"\nport = 0\n',
    });
    for (let i = 0; i < 3; i++) replicas.push(await startReplica(policyDir.dir));
    nginxPort = await freePort();
    await startNginx();
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await Promise.all(replicas.map((r) => stopReplica(r)));
    await new Promise((resolve) => node?.close(resolve));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('serves one policy from every replica: the same hash in /healthz and nano_access_policy_info, that of the file', async () => {
    expect(await hashes()).toEqual([hashOf(POLICIES.v1), hashOf(POLICIES.v1), hashOf(POLICIES.v1)]);
    for (const replica of replicas) {
      const metrics = await (await fetch(`${replica.url}/metrics`)).text();
      expect(metrics).toContain(`nano_access_policy_info{hash="${hashOf(POLICIES.v1)}"} 1\n`);
    }
    const answers = await Promise.all([KEY_A, KEY_B].map((key) => post(nginxUrl, key, agent)));
    expect(answers.map((a, i) => decidedBy([KEY_A, KEY_B][i], a.body))).toEqual(['A', 'A']);
  });

  it('converges on a swapped policy under load; after convergence no request through nginx is decided by the old one', async () => {
    interface Sample {
      started: number;
      decided: 'A' | 'B';
      upstream: string;
    }
    const samples: Sample[] = [];
    let running = true;
    let failures = 0;
    const client = async (key: string): Promise<void> => {
      while (running) {
        const started = performance.now();
        try {
          const answer = await post(nginxUrl, key, agent);
          samples.push({ started, decided: decidedBy(key, answer.body), upstream: answer.upstream });
        } catch {
          failures++;
        }
      }
    };
    const clients = [KEY_A, KEY_B, KEY_A, KEY_B, KEY_A, KEY_B].map((key) => client(key));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const swappedAt = performance.now();
    policyDir.write(POLICIES.v2);
    const convergedAt: number[] = [];
    await Promise.all(
      replicas.map(async (replica, i) => {
        await waitFor(
          async () => (await getJson(`${replica.url}/healthz`)).policy!.hash === hashOf(POLICIES.v2),
          `replica ${i} to load v2`,
        );
        convergedAt[i] = performance.now();
      }),
    );
    const converged = Math.max(...convergedAt);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = false;
    await Promise.all(clients);

    const before = samples.filter((s) => s.started < swappedAt);
    const after = samples.filter((s) => s.started >= converged);
    const during = samples.filter((s) => s.started >= swappedAt && s.started < converged);
    const perReplicaMs = convergedAt.map((t) => Math.round(t - swappedAt));
    console.info(
      `scale-out: policy swap reached the 3 replicas in ${perReplicaMs.join(', ')} ms (bound ${Math.max(...perReplicaMs)} ms); ` +
        `${samples.length} requests through nginx: ${before.length} before the swap (all v1), ${during.length} while converging ` +
        `(${during.filter((s) => s.decided === 'A').length} by v1), ${after.length} after (by v1: ${after.filter((s) => s.decided === 'A').length}); ` +
        `failed: ${failures}`,
    );
    expect(failures).toBe(0);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((s) => s.decided === 'A')).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((s) => s.decided !== 'B')).toEqual([]);
    // After convergence every replica took part.
    expect(new Set(after.map((s) => s.upstream)).size).toBe(3);
    expect(await hashes()).toEqual(replicas.map(() => hashOf(POLICIES.v2)));
  }, 60_000);

  it('brings a replica killed and restarted back on the current policy, swapped while it was down', async () => {
    const [killed] = replicas.splice(1, 1);
    await stopReplica(killed, 'SIGKILL');
    policyDir.write(POLICIES.v3);
    await waitFor(
      async () => (await hashes()).every((h) => h === hashOf(POLICIES.v3)),
      'the two live replicas to load v3',
    );

    replicas.splice(1, 0, await startReplica(policyDir.dir));
    await reloadNginx();
    expect(await hashes()).toEqual(replicas.map(() => hashOf(POLICIES.v3)));
    expect((await getJson(`${replicas[1].url}/healthz`)).policy).toEqual({ hash: hashOf(POLICIES.v3), generation: 1 });
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await post(nginxUrl, i % 2 === 0 ? KEY_A : KEY_B, agent));
    expect(answers.map((a, i) => decidedBy(i % 2 === 0 ? KEY_A : KEY_B, a.body)).filter((d) => d !== 'A')).toEqual([]);
    expect(new Set(answers.map((a) => a.upstream)).size).toBe(3);
  }, 60_000);
});
