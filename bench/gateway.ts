/**
 * The gateway's overhead: requests/s and p99 latency for AccountWeight (v2) and
 * a legacy action (account_weight) through the in-process gateway (HTTP parse,
 * body limit, depth scan, JSON.parse, dispatcher: validate, authorize, embedded
 * backend, JSON response), against its floor: a bare node:http server that reads
 * the body and answers the same JSON envelope. Same run, same load, loopback
 * only, bounded (DURATION seconds per case). Target: gateway ≥ 0.85× bare.
 *
 * A third server, the same gateway over a dispatcher answering a constant envelope,
 * separates the HTTP layer's own cost from the dispatcher's (validation, address
 * checksums, authorization, backend). The servers run in turn within each round,
 * so the gateway-minus-layer difference is measured under the same load. Besides
 * req/s (which a loaded machine bends), the server's CPU time per request is
 * measured: the steadier figure.
 *
 * A fourth server, the same gateway with `[logging] log_rpc = true`, logs a line per request as
 * serve does (JSON on file descriptor 2, through the asynchronous destination, into a file, as
 * a server's log file is written; bench/forward.ts does the same): its row is the log_rpc on/off
 * ratio (target ≥ 0.9×), measured in the same rounds as the others.
 *
 * Each server runs in a child process of its own, as a gateway is deployed (one per process), so
 * the load generator does not share their event loop and no server shares another's heap or V8's type
 * feedback (BENCH_COLOCATED=1: the four in one child, the layout of the earlier passes). All four
 * run throughout. The log goes to a file, not a pipe: a pipe's reader on this 2-core machine takes
 * its CPU from the servers and the load generator, and read in the load generator's process it
 * slowed the log_rpc row's load.
 *
 * The load comes from wrk when it is installed, autocannon otherwise (bench/_load.ts says why;
 * BENCH_LOADGEN=autocannon gives the earlier passes' method).
 *
 * Each ratio is printed twice: best round against best round (noise only slows a run), and the
 * median (with min–max) of the rounds' own ratios, whose two runs are seconds apart, so a slow
 * drift of the machine cancels; the spread says how far a single run can be trusted.
 *
 *   npx tsc -b && npx tsx bench/gateway.ts
 *   BENCH_PIN=1 npx tsx bench/gateway.ts     # load generator on CPU 0, servers on CPU 1 (taskset)
 *   BENCH_ROUNDS=12 BENCH_DURATION=1 npx tsx bench/gateway.ts   # more, shorter rounds
 *   BENCH_LOADGEN=autocannon npx tsx bench/gateway.ts   # the JavaScript load generator
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bareRpcServer, constantDispatcher } from './_gateway-floors';
import { loadGeneratorNote, runLoad } from './_load';
import { fixtureEngine } from './_fixture-engine';

const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const CONNECTIONS = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
/**
 * BENCH_PIN=1: the load generator (this process) on CPU 0, the servers' process on CPU 1
 * (`taskset`), so that the two never share a core within a run. Off by default: it needs
 * `taskset` and two CPUs, and pinned runs still differ from one another (docs/performance.md).
 */
const PIN = process.env.BENCH_PIN === '1';
/** BENCH_COLOCATED=1: the four servers in one child process instead of one process each. */
const COLOCATED = process.env.BENCH_COLOCATED === '1';
/** The order the servers are measured in within a round. */
const ROUND_ORDER: readonly Kind[] = ['gateway', 'logged', 'layer', 'bare'];

type Kind = 'gateway' | 'layer' | 'logged' | 'bare';
const KINDS: readonly Kind[] = ['gateway', 'layer', 'logged', 'bare'];

/** What a server child prints first: the port of each server it runs, and the account asked about. */
interface Ports {
  ports: Partial<Record<Kind, number>>;
  account: string;
}

/**
 * Child: the servers named on its command line (`gateway`: the in-process gateway; `layer`: the same
 * gateway over a dispatcher answering a constant, the HTTP layer's own cost; `logged`: the gateway
 * with log_rpc on; `bare`: the floor), ports printed as one JSON line.
 */
async function serve(kinds: readonly Kind[]): Promise<void> {
  const { createLogger } = await import('@nano-access/reloader');
  const { createGateway, defaultRpcConfig } = await import('@nano-access/gateway');
  // Every child loads the policy and the ledger, the bare one too: each server's process then holds
  // the same heap, so the floor is not measured with a lighter one than the gateway's.
  const { rep, store, dispatcher } = await fixtureEngine();
  const gatewayPort = async (options: Omit<Parameters<typeof createGateway>[0], 'store'>): Promise<number> =>
    (await createGateway({ ...options, store }).listen()).port;
  const start: Record<Kind, () => Promise<number>> = {
    gateway: () => gatewayPort({ dispatcher, config: { ...defaultRpcConfig(), port: 0 } }),
    layer: () =>
      gatewayPort({ dispatcher: constantDispatcher(rep.weight), config: { ...defaultRpcConfig(), port: 0 } }),
    logged: () =>
      gatewayPort({
        dispatcher,
        config: { ...defaultRpcConfig(), port: 0, logging: { logRpc: true } },
        logger: createLogger({ destination: 2, pretty: false, level: 'info' }),
      }),
    // The floor: read the body, parse it, answer the same envelope / legacy JSON.
    bare: async () => {
      const bare = bareRpcServer(rep.weight);
      await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
      return (bare.address() as AddressInfo).port;
    },
  };
  const ports: Ports = { ports: {}, account: rep.account };
  for (const kind of kinds) ports.ports[kind] = await start[kind]();
  process.stdout.write(`${JSON.stringify(ports)}\n`);
  // "cpu" on stdin → this process's CPU time so far (µs), so the parent can charge each run its CPU.
  createInterface({ input: process.stdin }).on('line', () => {
    const usage = process.cpuUsage();
    process.stdout.write(`${usage.user + usage.system}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
}

interface Run {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Server CPU time per request, µs: robust to a loaded machine, where req/s is not. */
  cpuPerRequest: number;
  requests: number;
}

/** A server under load: where to send requests, and its process's CPU time so far (µs). */
interface Target {
  url: string;
  cpu: () => Promise<number>;
}

async function load(target: Target, path: string, body: string): Promise<Run> {
  const cpuBefore = await target.cpu();
  const result = await runLoad({
    url: `${target.url}${path}`,
    body,
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    seconds: DURATION,
  });
  const cpuAfter = await target.cpu();
  return {
    rps: result.rps,
    p99: result.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuPerRequest: (cpuAfter - cpuBefore) / Math.max(1, result.requests),
    requests: result.requests,
  };
}

interface ServerChild {
  child: ChildProcessByStdio<Writable, Readable, null>;
  ports: Ports;
  cpu: () => Promise<number>;
}

/** Starts a child running the given servers (its standard error into `logFd`) and waits for its ports. */
async function startChild(kinds: readonly Kind[], logFd: number, pinned: boolean): Promise<ServerChild> {
  const serverCommand = [process.execPath, '--import', 'tsx', __filename, '--serve', ...kinds];
  const child = spawn(
    pinned ? 'taskset' : serverCommand[0],
    pinned ? ['-c', '1', ...serverCommand] : serverCommand.slice(1),
    {
      stdio: ['pipe', 'pipe', logFd],
    },
  ) as ChildProcessByStdio<Writable, Readable, null>;
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server child (${kinds.join(', ')}) exited with ${code}`)));
  });
  const waiting: Array<(value: number) => void> = [];
  lines.on('line', (text) => waiting.shift()?.(Number(text)));
  const cpu = (): Promise<number> =>
    new Promise<number>((resolve) => {
      waiting.push(resolve);
      child.stdin.write('cpu\n');
    });
  return { child, ports: JSON.parse(first) as Ports, cpu };
}

async function stopChild({ child }: ServerChild): Promise<void> {
  child.stdin.end();
  child.kill();
  await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
}

async function main(): Promise<void> {
  // The servers' stderr, where the log_rpc gateway writes its lines, goes into a file, as a
  // server's log does (bench/forward.ts too). A pipe needs a reader, and on two cores the
  // reader's CPU is taken from the servers and the load generator in the same rounds.
  const logDir = mkdtempSync(join(tmpdir(), 'na-gateway-bench-'));
  const logFile = join(logDir, 'server.log');
  const logFd = openSync(logFile, 'w');
  const pinned = PIN && pinLoadGenerator();
  // Each server in a process of its own, as it is deployed (one gateway per process); with
  // BENCH_COLOCATED=1 the four share one process, the layout of the earlier passes.
  const children = COLOCATED
    ? [await startChild(KINDS, logFd, pinned)]
    : await Promise.all(KINDS.map((kind) => startChild([kind], logFd, pinned)));
  closeSync(logFd); // the server children hold it now
  const targets = {} as Record<Kind, Target>;
  for (const server of children) {
    for (const [kind, port] of Object.entries(server.ports.ports) as Array<[Kind, number]>)
      targets[kind] = { url: `http://127.0.0.1:${port}`, cpu: server.cpu };
  }
  const account = children[0].ports.account;
  const cases = [
    {
      name: 'AccountWeight (POST /api/v2/AccountWeight)',
      layerName: 'HTTP layer only: AccountWeight, constant dispatcher',
      path: '/api/v2/AccountWeight',
      body: JSON.stringify({ account }),
    },
    {
      name: 'legacy account_weight (POST /)',
      layerName: 'HTTP layer only: legacy, constant dispatcher',
      path: '/',
      body: JSON.stringify({ action: 'account_weight', account }),
    },
  ];
  const logRows: string[] = [];
  try {
    // Warm the servers (JIT) before measuring.
    for (const c of cases) {
      for (const kind of KINDS) await load(targets[kind], c.path, c.body);
    }
    const gatewayRows: string[] = [];
    const layerRows: string[] = [];
    for (const c of cases) {
      // Gateway, log_rpc gateway, constant-dispatcher gateway and bare in turn within each round,
      // so they see the same machine load: on a shared machine, runs minutes apart differ by more
      // than the dispatcher costs. Each one's best round is kept for req/s (noise only slows),
      // the median for CPU.
      const runs: Record<Kind, Run[]> = { gateway: [], logged: [], layer: [], bare: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of ROUND_ORDER) {
          const run = await load(targets[kind], c.path, c.body);
          if (run.errors + run.non2xx > 0)
            throw new Error(`${c.name}, ${kind}: errors or non-2xx answers (${run.errors}/${run.non2xx})`);
          runs[kind].push(run);
        }
      }
      gatewayRows.push(row(c.name, runs.gateway, runs.bare));
      layerRows.push(row(c.layerName, runs.layer, runs.bare));
      logRows.push(logRow(c.name, runs.logged, runs.gateway));
    }
    const rows = [...gatewayRows, ...layerRows];
    const layout = COLOCATED ? 'all servers in one process' : 'each server in its own process';
    process.stdout.write(
      `\nGateway vs bare node:http (${CONNECTIONS} connections, ${DURATION} s per run, best of ${ROUNDS}, loopback, ${layout}, ${loadGeneratorNote()}, Node ${process.version}${pinned ? ', load generator on CPU 0 and servers on CPU 1' : ''})\n\n`,
    );
    process.stdout.write(
      '| case | gateway req/s | p99 ms | CPU µs/req | bare req/s | p99 ms | CPU µs/req | req/s ratio (target ≥ 0.85×) | per-round ratio, median (min–max) | CPU ratio (bare/gateway) |\n',
    );
    process.stdout.write('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
    for (const line of rows) process.stdout.write(`${line}\n`);
  } finally {
    await Promise.all(children.map(stopChild));
  }
  const { lines: logLines, other } = readLog(logFile);
  rmSync(logDir, { recursive: true, force: true });
  if (other.length > 0) process.stderr.write(`the server children wrote:\n${other.join('\n')}\n`);
  process.stdout.write(
    `\nlog_rpc = true vs false, the same gateway in the same rounds (a JSON line per request into a file; ${logLines} lines written)\n\n`,
  );
  process.stdout.write(
    '| case | log_rpc off req/s | CPU µs/req | log_rpc on req/s | p99 ms | CPU µs/req | req/s ratio on/off (target ≥ 0.9×) | per-round ratio, median (min–max) | CPU ratio (off/on) |\n',
  );
  process.stdout.write('|---|---:|---:|---:|---:|---:|---:|---:|---:|\n');
  for (const line of logRows) process.stdout.write(`${line}\n`);
}

/** The log_rpc lines the server child wrote, counted, and anything else it wrote (an error). */
function readLog(file: string): { lines: number; other: string[] } {
  let lines = 0;
  const other: string[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.startsWith('{"level"')) lines += 1;
    else if (text !== '') other.push(text);
  }
  return { lines, other };
}

/** Pins this process (and so the load generator it starts) to CPU 0; false (and a note) when it cannot. */
function pinLoadGenerator(): boolean {
  if (availableParallelism() < 2) {
    process.stdout.write('BENCH_PIN: fewer than two CPUs, not pinned\n');
    return false;
  }
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    process.stdout.write('BENCH_PIN: taskset failed or is missing, not pinned\n');
    return false;
  }
}

/** One table row: the best round's req/s and p99, the median CPU per request, both against bare's runs of the same rounds. */
function row(name: string, runs: Run[], bareRuns: Run[]): string {
  const g = best(runs);
  const b = best(bareRuns);
  const gCpu = median(runs.map((r) => r.cpuPerRequest));
  const bCpu = median(bareRuns.map((r) => r.cpuPerRequest));
  return `| ${name} | ${Math.round(g.rps)} | ${g.p99.toFixed(2)} | ${gCpu.toFixed(1)} | ${Math.round(b.rps)} | ${b.p99.toFixed(2)} | ${bCpu.toFixed(1)} | ${(g.rps / b.rps).toFixed(2)}× | ${pairedRatios(runs, bareRuns)} | ${(bCpu / gCpu).toFixed(2)}× |`;
}

/** The log_rpc row: the logged gateway's best round and median CPU against the same gateway without the log. */
function logRow(name: string, on: Run[], off: Run[]): string {
  const onBest = best(on);
  const offBest = best(off);
  const onCpu = median(on.map((r) => r.cpuPerRequest));
  const offCpu = median(off.map((r) => r.cpuPerRequest));
  return `| ${name} | ${Math.round(offBest.rps)} | ${offCpu.toFixed(1)} | ${Math.round(onBest.rps)} | ${onBest.p99.toFixed(2)} | ${onCpu.toFixed(1)} | ${(onBest.rps / offBest.rps).toFixed(2)}× | ${pairedRatios(on, off)} | ${(offCpu / onCpu).toFixed(2)}× |`;
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.rps > a.rps ? b : a));
}

/**
 * The ratio of each round's two runs (seconds apart, so a slow drift of the machine cancels),
 * as median (min–max): the spread says how far one run's ratio can be trusted on this machine.
 */
function pairedRatios(runs: Run[], against: Run[]): string {
  const ratios = runs.map((run, i) => run.rps / against[i].rps);
  return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt !== -1) {
  serve(process.argv.slice(serveAt + 1) as Kind[]).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
