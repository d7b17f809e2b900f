/**
 * What one gateway request costs the server, in two figures a shared 2-core machine bends less than
 * req/s: CPU µs per request (process.cpuUsage over a fixed number of requests) and, with
 * BENCH_CALLGRIND=1, instructions per request (valgrind's callgrind, instrumentation switched on
 * only around the counted requests, after a warm-up run uninstrumented). Not part of
 * `npm run bench` (the leading underscore): a tool to compare builds.
 *
 * Each server runs alone in its own child process: `gateway` (the in-process gateway, embedded
 * backend), `layer` (the same gateway over a dispatcher answering a constant: the HTTP layer's
 * own cost), `logged` (the gateway with `[logging] log_rpc = true`, its lines written as
 * bench/gateway.ts writes them: through the servers' asynchronous destination on file descriptor 2,
 * which is a file in this run's temp dir) and `bare` (the bare node:http floor of
 * bench/gateway.ts). BENCH_COMPARE_ROOT names
 * another checkout (built) whose gateway and layer run beside this one's, interleaved round by
 * round, so "before" and "after" see the same machine.
 *
 *   npx tsc -b && npx tsx bench/_gateway-cost.ts
 *   BENCH_COMPARE_ROOT=/path/to/other/checkout BENCH_CALLGRIND=1 npx tsx bench/_gateway-cost.ts
 *
 * Options (environment): BENCH_REQUESTS (counted per run, default 20000; 2000 under callgrind),
 * BENCH_REWARM (requests right before each count under callgrind, default 10000),
 * BENCH_ROUNDS (default 5; 1 under callgrind), BENCH_SERVERS (comma list of gateway,layer,logged,bare),
 * BENCH_VALGRIND_ARGS (more callgrind flags: `--cache-sim=yes --branch-sim=yes` adds simulated cache misses and
 * mispredicted branches to the dumps, read with callgrind_annotate), BENCH_NODE_ARGS (more node flags for the servers: `--perf-basic-prof --no-compact-code-space` writes
 * /tmp/perf-<pid>.map; bench/_callgrind-names.ts then names the JIT addresses in callgrind_annotate's output).
 * BENCH_ALLOC=1: instead of CPU, the JavaScript heap's bytes allocated per request and the
 * scavenges per 10,000 requests of each server (v8.GCProfiler: the heap's used size at the end of a
 * run, minus at its start, plus what every GC in between freed). BENCH_HEAP_PROFILE=<dir>: a
 * sampling heap profile (allocations by stack, every ~1 KiB) of each server over one run of each
 * case, written to <dir> as .heapprofile (Chrome DevTools, Memory tab, or read it as JSON).
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, openSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { GCProfiler } from 'node:v8';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { callgrindArgs, countInstructions } from './_callgrind';
import { bareRpcServer, constantDispatcher } from './_gateway-floors';

const ROOT = join(__dirname, '..');
const CALLGRIND = process.env.BENCH_CALLGRIND === '1';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? (CALLGRIND ? 2000 : 20000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (CALLGRIND ? 1 : 5));
const CONNECTIONS = 16;
/** Requests run uninstrumented right before each count under callgrind (see instructions()). */
const REWARM = Number(process.env.BENCH_REWARM ?? 10000);
const ALLOC = process.env.BENCH_ALLOC === '1';
const KINDS = (process.env.BENCH_SERVERS ?? 'gateway,layer,bare').split(',') as Kind[];
type Kind = 'gateway' | 'layer' | 'logged' | 'bare';

/** How to start one of the inspector's sampling profilers, and the method that stops it and gives its profile. */
interface Profiler {
  start: Array<[method: string, params?: object]>;
  stop: string;
}
const CPU_PROFILER: Profiler = {
  start: [['Profiler.enable'], ['Profiler.setSamplingInterval', { interval: 100 }], ['Profiler.start']],
  stop: 'Profiler.stop',
};
/** Objects the minor and major GCs collected stay in the profile: the allocation, not what survives. */
const HEAP_PROFILER: Profiler = {
  start: [
    ['HeapProfiler.enable'],
    [
      'HeapProfiler.startSampling',
      { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true },
    ],
  ],
  stop: 'HeapProfiler.stopSampling',
};

/**
 * Starts `profiler` (when `profiling` is false) or stops it and writes its profile to `file`; "0" on
 * stdout once done. Returns whether a profile is now running.
 */
function toggleProfile(inspector: Session, profiling: boolean, file: string, profiler: Profiler): boolean {
  if (!profiling) {
    const step = (i: number): void => {
      if (i === profiler.start.length) {
        process.stdout.write('0\n');
        return;
      }
      const [method, params] = profiler.start[i];
      inspector.post(method, params ?? {}, () => step(i + 1));
    };
    step(0);
    return true;
  }
  inspector.post(profiler.stop, (error, result: { profile?: unknown }) => {
    if (error === null) writeFileSync(file, JSON.stringify(result.profile));
    process.stdout.write('0\n');
  });
  return false;
}

/** Child: one server of `kind` built from the checkout at `root`; prints `{port, account}`, answers "cpu". */
async function serve(kind: Kind, root: string): Promise<void> {
  const load = (name: string): Record<string, unknown> =>
    require(join(root, 'packages', name, 'dist', 'index.js')) as Record<string, unknown>;
  const data = join(root, 'fixtures', 'data');
  const ledger = JSON.parse(readFileSync(join(data, 'ledger.json'), 'utf8')) as {
    accounts: Array<{ account: string; weight?: string }>;
  };
  const rep = ledger.accounts.find((a) => a.weight !== undefined)!;
  let port: number;
  if (kind === 'bare') {
    const bare = bareRpcServer(rep.weight);
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    port = (bare.address() as AddressInfo).port;
  } else {
    const protocol = load('protocol') as any;
    const reloader = load('reloader') as any;
    const gatewayPackage = load('gateway') as any;
    const store = reloader.PolicyStore.fromText(readFileSync(join(data, 'config-access.toml'), 'utf8'));
    const dispatcher =
      kind !== 'layer'
        ? new protocol.Dispatcher({
            policy: store,
            backend: await protocol.createEmbeddedBackend({ ledgerPath: join(data, 'ledger.json') }),
          })
        : constantDispatcher(rep.weight);
    // logged: as bench/gateway.ts's log_rpc server (fd 2 is a file: see start()).
    const gateway = gatewayPackage.createGateway({
      dispatcher,
      store,
      config: {
        ...gatewayPackage.defaultRpcConfig(),
        port: 0,
        ...(kind === 'logged' && { logging: { logRpc: true } }),
      },
      ...(kind === 'logged' && {
        logger: reloader.createLogger({ destination: 2, pretty: false, level: 'info' }),
      }),
    });

    port = ((await gateway.listen()) as { port: number }).port;
  }
  process.stdout.write(`${JSON.stringify({ port, account: rep.account })}\n`);
  // "cpu" → CPU time so far (µs); "profile <file>" starts a CPU profile (after the warm-up, so
  // that start-up and JIT warm-up stay out of it) and the next "profile" writes it to <file>.
  const inspector = new Session();
  inspector.connect();
  let profiling = false;
  // Started only when asked for (BENCH_ALLOC): its per-GC bookkeeping costs instructions in every GC.
  let allocation: ReturnType<typeof allocationCounter> | undefined;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'alloc' || line === 'scavenges') {
      allocation ??= allocationCounter();
      process.stdout.write(`${line === 'alloc' ? allocation.bytes() : allocation.scavenges}\n`);
      return;
    }
    if (line.startsWith('heap-profile ')) {
      profiling = toggleProfile(inspector, profiling, line.slice('heap-profile '.length), HEAP_PROFILER);
      return;
    }
    if (line.startsWith('profile ')) {
      profiling = toggleProfile(inspector, profiling, line.slice('profile '.length), CPU_PROFILER);
      return;
    }
    const usage = process.cpuUsage();
    process.stdout.write(`${usage.user + usage.system}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
}

/**
 * Bytes the JavaScript heap allocated since the previous call (the used size now, minus then, plus
 * what each GC in between freed), and the scavenges among those GCs.
 */
function allocationCounter(): { bytes(): number; scavenges: number } {
  let profiler = new GCProfiler();
  profiler.start();
  let usedBefore = process.memoryUsage().heapUsed;
  const counter = {
    scavenges: 0,
    bytes(): number {
      const { statistics } = profiler.stop();
      const used = process.memoryUsage().heapUsed;
      let freed = 0;
      counter.scavenges = 0;
      for (const gc of statistics) {
        freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
        if (gc.gcType === 'Scavenge') counter.scavenges++;
      }
      const bytes = used - usedBefore + freed;
      profiler = new GCProfiler();
      profiler.start();
      usedBefore = process.memoryUsage().heapUsed;
      return bytes;
    },
  };
  return counter;
}

interface Server {
  label: string;
  kind: Kind;
  child: ChildProcess;
  port: number;
  account: string;
  cpu(): Promise<number>;
  ask(command: string): Promise<number>;
  callgrindOut?: string;
}

async function start(kind: Kind, root: string, label: string, outDir: string): Promise<Server> {
  const nodeArgs = [
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
    '--import',
    'tsx',
    __filename,
    '--serve',
    kind,
    root,
  ];
  const name = label.replace(/\W+/g, '-');
  const callgrindOut = CALLGRIND ? join(outDir, `callgrind.${name}`) : undefined;
  // The logged server's standard error is a file, as its log is in bench/gateway.ts; valgrind's
  // own messages go to a file of their own.
  const stderr = kind === 'logged' ? openSync(join(outDir, `${name}.log`), 'w') : CALLGRIND ? 'ignore' : 'inherit';
  // stdin and stdout are pipes (the stdio array's stderr entry, a variable, hides that from the types).
  const child = (
    CALLGRIND
      ? spawn('valgrind', callgrindArgs(callgrindOut!, join(outDir, `valgrind.${name}.txt`), nodeArgs), {
          stdio: ['pipe', 'pipe', stderr],
        })
      : spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', stderr] })
  ) as ChildProcessByStdio<Writable, Readable, null>;
  if (typeof stderr === 'number') closeSync(stderr); // the child holds it now
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
  });
  const { port, account } = JSON.parse(first) as { port: number; account: string };
  const waiting: Array<(value: number) => void> = [];
  lines.on('line', (text) => waiting.shift()?.(Number(text)));
  const ask = (command: string): Promise<number> =>
    new Promise<number>((resolve) => {
      waiting.push(resolve);
      child.stdin.write(`${command}\n`);
    });
  return { label, kind, child, port, account, cpu: () => ask('cpu'), ask, callgrindOut };
}

type Autocannon = (options: Record<string, unknown>) => Promise<{ errors: number; non2xx: number }>;

async function fire(server: Server, path: string, body: string, amount: number): Promise<void> {
  const autocannon = require('autocannon') as Autocannon;
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${path}`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    amount,
    // An instrumented server answers ~50× slower, and a neighbour can stall it further.
    timeout: CALLGRIND ? 300 : 10,
  });
  if (result.errors + result.non2xx > 0)
    throw new Error(`${server.label}: ${result.errors} errors, ${result.non2xx} non-2xx`);
}

/** Instructions per request over `REQUESTS` requests, instrumentation on only around them. */
async function instructions(server: Server, path: string, body: string): Promise<{ main: number; all: number }> {
  // Warmed again right before the count: a server left idle for the minutes the others take to
  // warm up and count under valgrind compiled its request path again inside the count (about 60 %
  // of its instructions in the first server's count, a few % in the last one's).
  await fire(server, path, body, REWARM);
  return countInstructions(server.child.pid!, server.callgrindOut!, REQUESTS, () => fire(server, path, body, REQUESTS));
}

/** The median, and the range when there is more than one value. */
function spread(values: number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return sorted.length === 1
    ? median.toFixed(digits)
    : `${median.toFixed(digits)} (${sorted[0].toFixed(digits)}–${sorted[sorted.length - 1].toFixed(digits)})`;
}

/** Bytes allocated per request over REQUESTS requests, and the scavenges of that run. */
async function allocationPerRequest(
  server: Server,
  path: string,
  body: string,
): Promise<{ bytes: number; scavenges: number }> {
  await server.ask('alloc');
  await fire(server, path, body, REQUESTS);
  const bytes = (await server.ask('alloc')) / REQUESTS;
  return { bytes, scavenges: await server.ask('scavenges') };
}

async function cpuPerRequest(server: Server, path: string, body: string): Promise<number> {
  const before = await server.cpu();
  await fire(server, path, body, REQUESTS);
  return ((await server.cpu()) - before) / REQUESTS;
}

/** BENCH_PROFILE=<dir>: a CPU profile of each server over one run of each case, written to <dir>. */
async function profile(server: Server, name: string, path: string, body: string, dir: string): Promise<void> {
  const file = join(dir, `${server.label.replace(/\W+/g, '-')}.${name.replace(/\W+/g, '-')}.${REQUESTS}.cpuprofile`);
  await server.ask(`profile ${file}`);
  await fire(server, path, body, REQUESTS);
  await server.ask(`profile ${file}`);
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'gateway-cost-'));
  const compare = process.env.BENCH_COMPARE_ROOT;
  const starting: Array<Promise<Server>> = [];
  for (const kind of KINDS) {
    if (compare !== undefined && kind !== 'bare') starting.push(start(kind, compare, `${kind} (compare)`, outDir));
    starting.push(start(kind, ROOT, kind, outDir));
  }
  const servers = await Promise.all(starting);
  const account = servers[0].account;
  const cases = [
    { name: 'v2 AccountWeight', path: '/api/v2/AccountWeight', body: JSON.stringify({ account }) },
    { name: 'legacy account_weight', path: '/', body: JSON.stringify({ action: 'account_weight', account }) },
  ];
  try {
    for (const server of servers)
      for (const c of cases) await fire(server, c.path, c.body, CALLGRIND ? 30000 : 4 * REQUESTS);
    const profileDir = process.env.BENCH_PROFILE;
    if (profileDir !== undefined) {
      for (const server of servers) for (const c of cases) await profile(server, c.name, c.path, c.body, profileDir);
      process.stdout.write(`CPU profiles in ${profileDir}\n`);
      return;
    }
    const heapProfileDir = process.env.BENCH_HEAP_PROFILE;
    if (heapProfileDir !== undefined) {
      for (const server of servers)
        for (const c of cases) {
          const file = join(
            heapProfileDir,
            `${server.label.replace(/\W+/g, '-')}.${c.name.replace(/\W+/g, '-')}.${REQUESTS}.heapprofile`,
          );
          await server.ask(`heap-profile ${file}`);
          await fire(server, c.path, c.body, REQUESTS);
          await server.ask(`heap-profile ${file}`);
        }
      process.stdout.write(`heap profiles in ${heapProfileDir}\n`);
      return;
    }
    const unit = CALLGRIND
      ? 'instructions/request (main thread; all threads)'
      : ALLOC
        ? 'heap bytes allocated/request; scavenges per 10,000 requests'
        : 'CPU µs/request';
    process.stdout.write(
      `\n${unit}, ${REQUESTS} requests per run, ${CONNECTIONS} connections, ${ROUNDS} round(s) interleaved, median (min-max); load ${readFileSync('/proc/loadavg', 'utf8').trim()}\n\n`,
    );
    process.stdout.write(
      `| case | ${servers.map((s) => s.label).join(' | ')} |\n|---|${servers.map(() => '---:').join('|')}|\n`,
    );
    for (const c of cases) {
      const runs = servers.map(() => [] as number[]);
      const everyThread = servers.map(() => [] as number[]);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, server] of servers.entries()) {
          if (CALLGRIND) {
            const counted = await instructions(server, c.path, c.body);
            runs[i].push(counted.main);
            everyThread[i].push(counted.all);
          } else if (ALLOC) {
            const counted = await allocationPerRequest(server, c.path, c.body);
            runs[i].push(counted.bytes);
            everyThread[i].push((counted.scavenges * 10000) / REQUESTS);
          } else {
            runs[i].push(await cpuPerRequest(server, c.path, c.body));
          }
        }
      }
      const digits = CALLGRIND || ALLOC ? 0 : 1;
      const cells = runs.map((values, i) => {
        const text = spread(values, digits);
        if (ALLOC) return `${text}; ${spread(everyThread[i], 1)} scavenges`;
        return CALLGRIND ? `${text}; all threads ${spread(everyThread[i], digits)}` : text;
      });
      process.stdout.write(`| ${c.name} | ${cells.join(' | ')} |\n`);
    }
    process.stdout.write(`\nload after: ${readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
  } finally {
    for (const server of servers) {
      server.child.stdin!.end();
      server.child.kill();
    }
  }
}

if (process.argv.includes('--serve')) {
  const at = process.argv.indexOf('--serve');
  serve(process.argv[at + 1] as Kind, process.argv[at + 2]).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
