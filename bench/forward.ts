/**
 * Forwarding to a node: `nano-access serve` with the node-rpc backend in front of a stand-in node,
 * against two bare forwarding proxies doing the same job (read the body, JSON.parse it, look the
 * API key up in a Map, forward the bytes, relay the answer): one on node:http's `http.request`
 * with a keep-alive Agent, one on undici's `Pool`. nano-access runs twice, `log_rpc` off and on
 * (the real binary, `serve --data`, log lines written to a file as an operator's would be).
 *
 * Every server is its own process and runs throughout; each row is measured in turn within every
 * round (interleaved, as bench/gateway.ts does), so all rows see the same machine load. Per row:
 * the best round's req/s, its p50/p99, the median CPU time per request of the server process
 * (from /proc, which a loaded machine bends less than req/s), its RSS at the end of a run under
 * load (VmRSS, the largest over the rounds) and its peak RSS (VmHWM, start-up and one-off
 * compiles included: undici's HTTP parser is WebAssembly, and V8's optimizing compile of it holds
 * ~27 MiB for a moment after the first requests). Beside the best round's ratios to the undici proxy,
 * the rounds' own ratios, req/s and p99, as median (min–max): a round's two runs are seconds apart,
 * so a slow drift of the machine cancels, and one round's p99 moves by more than the target's 1.2×.
 * The stand-in node (bare node:http answering account_balance) is shared by all rows; a node
 * cannot run here. The load comes from wrk when it is installed, autocannon otherwise
 * (bench/_load.ts says why; BENCH_LOADGEN=autocannon gives the earlier runs' method).
 *
 * A last row runs nano-access with every protection of a public endpoint on (issue 27): response
 * caps, the cache (account_balance at a 1 ms TTL, and every request names another account, so
 * that every request misses: a cache hit is not the figure), address lists of a few hundred
 * CIDRs, trust_proxy (every request of every row carries X-Forwarded-For) and rate limits at a
 * rate no row reaches. It is compared with the log_rpc-off row, the same server with them all
 * off, measured in the same rounds: target ≥ 0.9×.
 *
 *   npm run build && npx tsx bench/forward.ts      (or npm run bench -- forward)
 *   BENCH_SECONDS=0.5 BENCH_ROUNDS=1 npx tsx bench/forward.ts   (a smoke run: not for figures)
 *   BENCH_ROWS=3,4 npx tsx bench/forward.ts   (only rows 3 and 4: nano-access with log_rpc off and on)
 *   BENCH_COMPARE_BIN=/tmp/before/packages/cli/bin/nano-access.js BENCH_ROWS=4 npx tsx bench/forward.ts
 *   BENCH_COMPARE_NODE_ARGS=" " BENCH_ROWS=2,3,6 npx tsx bench/forward.ts   (the shipped node options' effect: row 6 runs without them)
 *     (log_rpc on, this build and another, in the same rounds)
 *   BENCH_ROWS=3,9,10,11,12,5 npx tsx bench/forward.ts   (log_rpc off, each protection alone, all of them)
 *   BENCH_RATE=2000 …   (a fixed request rate: CPU per request compared on a loaded machine)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadGeneratorNote, runLoad } from './_load';

const BIN = join(__dirname, '..', 'packages', 'cli', 'bin', 'nano-access.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
/**
 * BENCH_ROWS: the rows to run, by their number in the table (1-based, comma-separated, e.g. "3,4"
 * for log_rpc off and on); a ratio whose reference row is not run is printed as "-". Default: all.
 */
const ROW_FILTER = process.env.BENCH_ROWS?.split(',').map((n) => Number(n.trim()));
/**
 * The node options the shipped units start `nano-access serve` with: the Dockerfile's
 * `ENV NODE_OPTIONS=…` (deploy/systemd's unit sets the same; test/deploy checks they agree). The
 * nano-access rows run with them, so the table measures the server as deployed (docs/operations.md,
 * "Memory").
 */
function shippedNodeOptions(): string[] {
  const dockerfile = readFileSync(join(__dirname, '..', 'Dockerfile'), 'utf8');
  const m = /^ENV NODE_OPTIONS=(?:"([^"]*)"|(\S+))$/m.exec(dockerfile);
  if (!m) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return (m[1] ?? m[2]).split(' ').filter((arg) => arg !== '');
}
/**
 * BENCH_SERVE_NODE_ARGS: node options for the nano-access rows, after the shipped ones (e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
const SERVE_NODE_ARGS = [
  ...shippedNodeOptions(),
  ...(process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
];
/**
 * BENCH_COMPARE_NODE_ARGS: node options for the compare rows instead of the nano-access rows' (the
 * shipped ones and BENCH_SERVE_NODE_ARGS); alone, it compares this build with itself under other
 * options: BENCH_COMPARE_NODE_ARGS=" " runs it without the shipped ones.
 */
const COMPARE_NODE_ARGS = process.env.BENCH_COMPARE_NODE_ARGS?.split(' ').filter((arg) => arg !== '');
/**
 * BENCH_COMPARE_BIN: another build's packages/cli/bin/nano-access.js (a checkout of the commit
 * before a change, built). Each nano-access row run is run again with it, as a row of its own
 * after the others, in the same rounds: a change's before and after from one run.
 */
const COMPARE_BIN = process.env.BENCH_COMPARE_BIN ?? (COMPARE_NODE_ARGS === undefined ? undefined : BIN);
/**
 * BENCH_RATE=N: every run sends N requests a second in all (autocannon's overallRate; wrk has no
 * fixed rate, so these runs use autocannon) instead of
 * as many as the server takes. Each server then does the same work per event-loop turn, so the
 * CPU per request of two rows differs by what their code does, not by how busy the machine left
 * them (a loaded server batches more requests per turn and spends less per request): the way to
 * attribute CPU to a protection on a shared machine. req/s is then the rate, not a figure.
 */
const RATE = process.env.BENCH_RATE === undefined ? undefined : Number(process.env.BENCH_RATE);
const CONNECTIONS = 16;
const KEY = 'bench-forward-6f1d2c3b-9a8e-4f70-b5d4-3c2a1e0f9b8d';
const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
const BALANCE = { balance: '325586539664609129644855132177', pending: '0', receivable: '0' };
const REQUEST = JSON.stringify({ action: 'account_balance', account: ACCOUNT });
/**
 * The load's body: the load generator replaces `[<id>]` with a new id per request, so each request names
 * another account and the cache of the protected row never hits (the stand-in node answers any
 * account, and nothing on the way reads the value).
 */
const LOAD_REQUEST = JSON.stringify({ action: 'account_balance', account: `${ACCOUNT.slice(0, 40)}[<id>]` });
/** The client address every load request names; the protected row trusts 127.0.0.1 to say so. */
const FORWARDED_FOR = '203.0.113.7';

/**
 * config-rpc.toml sections of the protections of a public endpoint: the protected row (5) has them
 * all; rows 9-12 have one each (run only when BENCH_ROWS names them), so each one's cost shows apart.
 */
function protections(): Record<'addresses' | 'caps' | 'cache' | 'limits', string> {
  const deny: string[] = [];
  for (let i = 0; i < 300; i++) {
    const third = (i * 7) % 256;
    deny.push(
      i % 3 === 0 ? `198.18.${third}.0/24` : i % 3 === 1 ? `198.19.${third}.16/28` : `2001:db8:${i.toString(16)}::/48`,
    );
  }
  return {
    addresses: [
      '[client_addresses]',
      `allow = ["127.0.0.0/8", "::1", "203.0.113.0/24", "100.64.0.0/10", "192.0.2.0/24"]`,
      `deny = [${deny.map((d) => JSON.stringify(d)).join(', ')}]`,
      'trust_proxy = ["127.0.0.1"]',
      '',
    ].join('\n'),
    caps: ['[response_caps]', 'enable = true', ''].join('\n'),
    cache: ['[cache]', 'enable = true', '', '[cache.ttl]', 'account_balance = 0.001', ''].join('\n'),
    limits: RATE_LIMITS,
  };
}

/** config-rpc.toml of the protected row: every protection of a public endpoint on. */
function protectedConfig(): string {
  return Object.values(protections()).join('\n');
}

/** Rate limits at a rate no row reaches (config-rpc.toml): a tier for the bench's user, the default and a global ceiling. */
const RATE_LIMITS = [
  '[rate_limit]',
  'enable = true',
  '',
  '[rate_limit.default]',
  'rate = 1000000',
  'burst = 1000000',
  '',
  '[rate_limit.global]',
  'rate = 1000000',
  'burst = 1000000',
  '',
  '[[rate_limit.tier]]',
  'permission = "api_account_balance"',
  'rate = 1000000',
  'burst = 1000000',
  '',
].join('\n');

/** Child roles: each prints {"port": N} once it listens. */
async function role(name: string, upstream: string): Promise<void> {
  let server: http.Server;
  if (name === 'node') {
    const answer = JSON.stringify(BALANCE);
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { action?: string };
        const text = body.action === 'account_balance' ? answer : '{"error":"Unknown command"}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
  } else {
    const keys = new Map<string, boolean>([[KEY, true]]);
    const forward = name === 'proxy-undici' ? await undiciForwarder(upstream) : httpRequestForwarder(upstream);
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const request = JSON.parse(bytes.toString('utf8')) as { action?: unknown };
        const key = req.headers['nano-api-key'];
        if (typeof key !== 'string' || keys.get(key) !== true || typeof request.action !== 'string') {
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"Access denied"}');
          return;
        }
        forward(bytes).then(
          (answer) => {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
            res.end(answer);
          },
          (error: unknown) => {
            res.writeHead(502, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: `Upstream node unavailable: ${String(error)}` }));
          },
        );
      });
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

function httpRequestForwarder(upstream: string): (body: Buffer) => Promise<Buffer> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL(upstream);
  return (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

async function undiciForwarder(upstream: string): Promise<(body: Buffer) => Promise<Buffer>> {
  const { Pool } = await import('undici');
  const pool = new Pool(upstream, { connections: CONNECTIONS });
  return async (body) => {
    const res = await pool.request({
      path: '/',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return Buffer.from(await res.body.arrayBuffer());
  };
}

interface Server {
  name: string;
  child: ChildProcess;
  url: string;
}

function startRole(name: string, upstream = ''): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--role', name, upstream], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => {
      const { port } = JSON.parse(line) as { port: number };
      resolve({ name, child, url: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/** `nano-access serve --data DIR` with the node-rpc backend; its stdout (the log) goes to a file. */
async function startServe(
  name: string,
  dir: string,
  upstream: string,
  logRpc: boolean,
  extraConfig = '',
  bin = BIN,
  nodeArgs = SERVE_NODE_ARGS,
): Promise<Server> {
  writeFileSync(
    join(dir, 'config-node.toml'),
    `[node.ipc.tcp]\nenable = true\nport = 0\n\n[backend]\ntype = "node-rpc"\nurl = "${upstream}"\n`,
  );
  writeFileSync(join(dir, 'config-rpc.toml'), `port = 0\n\n[logging]\nlog_rpc = ${logRpc}\n\n${extraConfig}`);
  writeFileSync(join(dir, 'config-access.toml'), `[[user]]\nid = "${KEY}"\nallow = "api_account_balance"\n`, {
    mode: 0o600,
  });
  const log = join(dir, 'serve.log');
  const { openSync } = await import('node:fs');
  const out = openSync(log, 'w');
  // Both streams into the file: the log (JSON lines on stderr, a line per request with log_rpc)
  // as well as what serve reports on stdout. Inherited, the log went to the bench's own stderr (a
  // terminal, at a terminal's speed, for the log_rpc row).
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--data', dir], {
    env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'info', NANO_ACCESS_LOG_FORMAT: 'json' },
    stdio: ['ignore', out, out],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /gateway listening on (http:\/\/\S+)/.exec(readFileSync(log, 'utf8'));
    if (m) return { name, child, url: m[1].replace(/[",}]+$/, '') };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start: see ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Context switches of all a process's threads so far (voluntary and not): a thread handing work to
 * another (libuv's thread pool) and waking up again shows here, and the count is steadier on a
 * loaded machine than CPU time.
 */
function contextSwitches(pid: number): number {
  try {
    let total = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      for (const m of status.matchAll(/ctxt_switches:\s+(\d+)/g)) total += Number(m[1]);
    }
    return total;
  } catch {
    return NaN;
  }
}

/** CPU time (µs) of a process so far, its peak RSS and its RSS now (bytes), from /proc. */
function processFigures(pid: number): { cpuMicros: number; peakRss: number; rss: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return {
      cpuMicros: (ticks * 1e6) / 100,
      peakRss: hwm ? Number(hwm[1]) * 1024 : NaN,
      rss: rss ? Number(rss[1]) * 1024 : NaN,
    };
  } catch {
    return { cpuMicros: NaN, peakRss: NaN, rss: NaN };
  }
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  /** Context switches of the server's threads per request. */
  switchesPerRequest: number;
  peakRss: number;
  /** RSS at the end of the run, under load (the peak also holds one-off start-up and compile costs). */
  loadedRss: number;
}

async function load(server: Server): Promise<Run> {
  const before = processFigures(server.child.pid!);
  const switchesBefore = contextSwitches(server.child.pid!);
  const result = await runLoad({
    url: `${server.url}/`,
    body: LOAD_REQUEST,
    uniqueIds: true,
    headers: { 'content-type': 'application/json', 'nano-api-key': KEY, 'x-forwarded-for': FORWARDED_FOR },
    connections: CONNECTIONS,
    seconds: SECONDS,
    rate: RATE,
  });
  const after = processFigures(server.child.pid!);
  const switchesAfter = contextSwitches(server.child.pid!);
  if (result.errors + result.non2xx > 0)
    throw new Error(`${server.name}: errors or non-2xx answers (${result.errors}/${result.non2xx})`);
  return {
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    cpuPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.requests),
    switchesPerRequest: (switchesAfter - switchesBefore) / Math.max(1, result.requests),
    peakRss: after.peakRss,
    loadedRss: after.rss,
  };
}

/** One request through each server: all must relay the stand-in node's answer unchanged. */
async function agree(servers: Server[]): Promise<void> {
  for (const server of servers) {
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      body: REQUEST,
      headers: { 'content-type': 'application/json', 'nano-api-key': KEY, 'x-forwarded-for': FORWARDED_FOR },
    });
    const body = await res.json();
    if (res.status !== 200 || JSON.stringify(body) !== JSON.stringify(BALANCE))
      throw new Error(`${server.name} answered ${res.status} ${JSON.stringify(body)}`);
  }
}

async function main(): Promise<void> {
  const dirs = [0, 1, 2, 3, 4, 5].map(() => mkdtempSync(join(tmpdir(), 'na-forward-')));
  const dir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'na-forward-'));
    dirs.push(made);
    return made;
  };
  const started: Server[] = [];
  try {
    const start = async (starting: Promise<Server>, name?: string): Promise<Server> => {
      const server = await starting;
      started.push(server);
      if (name !== undefined) server.name = name;
      return server;
    };
    const node = await start(startRole('node'));
    const protectedName = `nano-access serve, node-rpc backend, log_rpc off, all protections on (caps, cache missing, address lists, trust_proxy${RATE_LIMITS === '' ? '' : ', rate limits'})`;
    // The table's rows in order; each starts only when it is run (BENCH_ROWS).
    const all: Array<() => Promise<Server>> = [
      () => start(startRole('proxy-http', node.url), 'bare proxy, http.request + keep-alive Agent'),
      () => start(startRole('proxy-undici', node.url), 'bare proxy, undici Pool'),
      () => start(startServe('nano-access serve, node-rpc backend, log_rpc off', dirs[0], node.url, false)),
      () => start(startServe('nano-access serve, node-rpc backend, log_rpc on', dirs[1], node.url, true)),
      () => start(startServe(protectedName, dirs[2], node.url, false, protectedConfig())),
    ];
    if (COMPARE_BIN !== undefined) {
      const args = COMPARE_NODE_ARGS ?? SERVE_NODE_ARGS;
      const compare = `[${[...args, COMPARE_BIN].join(' ')}]`;
      const serve = (name: string, d: string, logRpc: boolean, extra = ''): Promise<Server> =>
        startServe(`${name} ${compare}`, d, node.url, logRpc, extra, COMPARE_BIN, args);
      all.push(
        () => start(serve('log_rpc off', dirs[3], false)),
        () => start(serve('log_rpc on', dirs[4], true)),
        () => start(serve('all protections on', dirs[5], false, protectedConfig())),
      );
    }
    const numbers = all.map((_, i) => (i < 5 ? i + 1 : i - 2)); // a compare row runs when its row does
    // Rows 9-12: one protection each, after the others (the indexes above stay), when BENCH_ROWS names them.
    Object.entries(protections()).forEach(([name, section], k) => {
      all.push(() =>
        start(
          startServe(`nano-access serve, node-rpc backend, log_rpc off, ${name} only`, dir(), node.url, false, section),
        ),
      );
      numbers.push(9 + k);
    });
    const rows: Array<Server | undefined> = [];
    for (let i = 0; i < all.length; i++) {
      const wanted = ROW_FILTER === undefined ? numbers[i] < 9 : ROW_FILTER.includes(numbers[i]);
      rows.push(wanted ? await all[i]() : undefined);
    }
    const running = rows.filter((row): row is Server => row !== undefined);
    await agree(running);
    for (const server of running) await load(server); // warm the JIT of every server
    const runs = rows.map((): Run[] => []);
    const nodeCpuBefore = processFigures(node.child.pid!).cpuMicros;
    let total = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < rows.length; i++) {
        const server = rows[i];
        if (server === undefined) continue;
        const run = await load(server);
        runs[i].push(run);
        total += run.rps * SECONDS;
      }
    }
    const nodeCpu = (processFigures(node.child.pid!).cpuMicros - nodeCpuBefore) / Math.max(1, total);
    report(rows, runs, nodeCpu);
    if (rows[4] !== undefined) await reportCache(rows[4]);
  } finally {
    for (const server of started.reverse()) server.child.kill();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows: Array<Server | undefined>, runs: Run[][], nodeCpu: number): void {
  const best = (list: Run[]): Run | undefined =>
    list.length === 0 ? undefined : list.reduce((a, b) => (b.rps > a.rps ? b : a));
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}×`;
  const bests = runs.map(best);
  const httpRow = bests[0];
  const undiciRow = bests[1];
  const out = process.stdout;
  out.write(
    `\nForwarding to a stand-in node (account_balance, ${CONNECTIONS} connections, ${SECONDS} s per run, best of ${ROUNDS} interleaved rounds, loopback, ${RATE === undefined ? loadGeneratorNote() : `load from autocannon at ${RATE} req/s`}, Node ${process.version}; nano-access rows: node ${SERVE_NODE_ARGS.join(' ')})\n\n`,
  );
  out.write(
    '| row | req/s | p50 ms | p99 ms | CPU µs/req | RSS under load MiB (target < 100) | peak RSS MiB | vs http.request proxy | vs undici proxy (target ≥ 0.9×) | p99 vs undici (target ≤ 1.2×) | per round vs undici: req/s, p99, median (min–max) |\n',
  );
  out.write('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
  rows.forEach((server, i) => {
    const b = bests[i];
    if (server === undefined || b === undefined) return;
    const cpu = median(runs[i].map((r) => r.cpuPerRequest));
    const rss = Math.max(...runs[i].map((r) => r.peakRss)) / 1024 / 1024;
    const loaded = Math.max(...runs[i].map((r) => r.loadedRss)) / 1024 / 1024;
    out.write(
      `| ${server.name} | ${Math.round(b.rps)} | ${b.p50.toFixed(2)} | ${b.p99.toFixed(2)} | ${cpu.toFixed(1)} | ${loaded.toFixed(0)} | ${rss.toFixed(0)} | ${ratio(b.rps, httpRow?.rps)} | ${ratio(b.rps, undiciRow?.rps)} | ${ratio(b.p99, undiciRow?.p99)} | ${pairedRatios(runs[i], runs[1], 'rps')}, ${pairedRatios(runs[i], runs[1], 'p99')} |\n`,
    );
  });
  out.write('\nCPU µs per request, every round in order (context switches of the server per request):\n');
  rows.forEach((server, i) => {
    if (server !== undefined)
      out.write(
        `- ${server.name}: ${runs[i].map((r) => `${r.cpuPerRequest.toFixed(1)} (${r.switchesPerRequest.toFixed(2)})`).join(', ')}\n`,
      );
  });
  const off = bests[2];
  const logged = bests[3];
  if (off !== undefined && logged !== undefined) {
    out.write(
      `\nlog_rpc on / off (same rounds): ${ratio(logged.rps, off.rps)} req/s (per round ${pairedRatios(runs[3], runs[2], 'rps')}), p99 per round ${pairedRatios(runs[3], runs[2], 'p99')}, ` +
        `CPU per request ${median(runs[3].map((r) => r.cpuPerRequest)).toFixed(1)} against ${median(runs[2].map((r) => r.cpuPerRequest)).toFixed(1)} µs.\n`,
    );
  }
  const on = bests[4];
  if (off !== undefined && on !== undefined) {
    out.write(
      `\nAll protections on / off (the last row / the log_rpc-off row, same rounds): ${ratio(on.rps, off.rps)} req/s (target ≥ 0.9×), ` +
        `CPU per request ${ratio(median(runs[4].map((r) => r.cpuPerRequest)), median(runs[2].map((r) => r.cpuPerRequest)))}, p99 ${ratio(on.p99, off.p99)}.\n`,
    );
  }
  if (off !== undefined) {
    const offCpu = median(runs[2].map((r) => r.cpuPerRequest));
    const over = rows
      .map((server, i) => ({ server, i }))
      .filter(({ server, i }) => server !== undefined && runs[i].length > 0 && (i === 4 || i >= rows.length - 4))
      .map(({ server, i }) => {
        const extra = median(runs[i].map((r) => r.cpuPerRequest)) - offCpu;
        return `${server!.name.replace('nano-access serve, node-rpc backend, log_rpc off, ', '')} ${extra >= 0 ? '+' : ''}${extra.toFixed(1)} µs`;
      });
    if (over.length > 0) out.write(`CPU per request over the log_rpc-off row (medians): ${over.join('; ')}.\n`);
  }
  out.write(`\nThe stand-in node: ${nodeCpu.toFixed(1)} µs CPU per request, over all rows.\n`);
  const load1 = (() => {
    try {
      return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    } catch {
      return '?';
    }
  })();
  out.write(`Load average at the end: ${load1}.\n`);
}

/**
 * The rounds' own ratios of `row` to `reference` (the same round, seconds apart, so a slow drift of
 * the machine cancels), as median (min–max); '-' when the reference row was not run. The best-round
 * columns compare the best req/s round of each row, and with it that one round's p99: a single
 * round's p99 on this machine moves by more than the 1.2× target, so the paired median is the figure
 * to steer by and the spread says how far one round can be trusted (bench/gateway.ts does the same).
 */
function pairedRatios(row: Run[], reference: Run[], field: 'rps' | 'p99'): string {
  const count = Math.min(row.length, reference.length);
  if (count === 0) return '-';
  const ratios = Array.from({ length: count }, (_, k) => row[k][field] / reference[k][field]).sort((a, b) => a - b);
  const middle =
    ratios.length % 2 === 1
      ? ratios[(ratios.length - 1) / 2]
      : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
  return `${middle.toFixed(2)}× (${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)})`;
}

/** The protected row's cache counters: the figure is a miss path only if hits stay near 0. */
async function reportCache(server: Server): Promise<void> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const sum = (name: string): number =>
    text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  process.stdout.write(
    `Cache of the protected row: ${sum('nano_access_gateway_cache_hits_total')} hits, ${sum('nano_access_gateway_cache_misses_total')} misses, ${sum('nano_access_gateway_cache_coalesced_total')} coalesced.\n`,
  );
}

const roleIndex = process.argv.indexOf('--role');
if (roleIndex !== -1) {
  role(process.argv[roleIndex + 1], process.argv[roleIndex + 2] ?? '').catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
