/**
 * What the phases that run a server of their own (7, half-bodies-http.ts; 9, address-flood.ts)
 * share: their options and result, how one runs alone (`npx tsx bench/soak/<phase>.ts [--short]`),
 * and the entry point that runs either the phase or its client child process (`--client <task>`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fixedWindow, LoadDriver, percentile, type PhaseStats } from './load';
import { compileValid } from './policies';
import { keyValues, mustTable, type Must } from './report';
import { serveEntry, ServerUnderTest, sleep } from './server';

const ROOT = resolve(__dirname, '../..');
/** The account the steady load asks about. */
const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';

/** Called with each child process, server and directory a phase starts, so the caller can clean them up on any exit. */
export interface PhaseTracker {
  server(server: ServerUnderTest): void;
  child(child: ChildProcess): void;
  dir(dir: string): void;
}

export interface OwnServerPhaseOptions {
  short: boolean;
  logLevel: string;
  /** Load per channel, requests per second. */
  ratePerChannel: number;
  track?: PhaseTracker;
}

export interface OwnServerPhaseResult {
  musts: Must[];
  lines: Array<[string, string]>;
  load: PhaseStats[];
  offered: number;
}

/**
 * The phase's own `nano-access serve` (tracked for cleanup), started with `accessText` and a
 * config-rpc.toml of its HTTP address and port followed by `rpcLines`.
 */
export async function startPhaseServer(
  name: string,
  accessText: string,
  rpcLines: readonly string[],
  options: OwnServerPhaseOptions,
): Promise<ServerUnderTest> {
  const entry = serveEntry();
  const server = await ServerUnderTest.prepare({
    name,
    fixtures: join(ROOT, 'fixtures/data'),
    accessText,
    ioTimeoutSeconds: 2,
    headersTimeoutSeconds: 10,
    maxConnections: 256,
    logLevel: options.logLevel,
  });
  options.track?.server(server);
  options.track?.dir(server.dataDir);
  await writeFile(
    join(server.dataDir, 'config-rpc.toml'),
    ['address = "127.0.0.1"', `port = ${server.httpPort}`, ...rpcLines, ''].join('\n'),
  );
  await server.start(entry);
  return server;
}

/**
 * The steady load on the phase's server (as `credentials`, checked against `accessText`), run for
 * a baseline (phase `baselineName`), then the server's RSS sampled: its median is `rssBefore`.
 * `rssSamples` is the array the phase keeps sampling into.
 */
export async function startPhaseLoad(
  server: ServerUnderTest,
  accessText: string,
  credentials: Array<string | undefined>,
  baselineName: string,
  options: OwnServerPhaseOptions,
): Promise<{ load: LoadDriver; baseline: PhaseStats; rssSamples: number[]; rssBefore: number }> {
  const load = new LoadDriver(
    {
      httpUrl: server.httpUrl,
      tcpPort: server.tcpPort,
      socketPath: server.socketPath,
      window: fixedWindow(compileValid(accessText)),
      credentials,
      account: ACCOUNT,
    },
    options.ratePerChannel,
  );
  load.start();
  await sleep(options.short ? 2000 : 4000);
  const baseline = load.phase(baselineName);
  const rssSamples: number[] = [];
  await sampleRssFor(server, rssSamples, options.short ? 3000 : 6000);
  return { load, baseline, rssSamples, rssBefore: percentile(rssSamples.splice(0), 50) };
}

/** A phase's client child process: `exited` resolves when it ends; then `result` is what it wrote. */
export interface ClientChild<Result> {
  exited: Promise<void>;
  /** The client's result (its stdout line that is JSON); throws, naming `name`, if it failed or wrote none. */
  result(name: string): Result;
}

/**
 * Starts a phase's client: `script --client <argument>` under tsx in a process of its own, so its
 * sockets do not share an event loop with the load being measured.
 */
export function startClient<Result>(script: string, argument: string, track?: PhaseTracker): ClientChild<Result> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--client', argument], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  track?.child(child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  let code: number | null = null;
  const exited = new Promise<void>((done) =>
    child.once('exit', (exitCode) => {
      code = exitCode;
      done();
    }),
  );
  return {
    exited,
    result(name) {
      const line = out.split('\n').find((text) => text.startsWith('{'));
      if (code !== 0 || line === undefined) throw new Error(`${name} exited ${code} without a result`);
      return JSON.parse(line) as Result;
    },
  };
}

/** The server's VmRSS, sampled every 250 ms for `ms` (while it is alive) into `samples`. */
export async function sampleRssFor(server: ServerUnderTest, samples: number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && server.alive) {
    samples.push(server.rssKiB());
    await sleep(250);
  }
}

/**
 * Runs a phase alone: kills what it started on any exit, prints its lines under `section` and its
 * musts. Returns the exit code (1 when a must that counts failed).
 */
async function runAlone(
  phase: (options: OwnServerPhaseOptions) => Promise<OwnServerPhaseResult>,
  report: { title: string; section: string },
): Promise<number> {
  const short = process.argv.includes('--short');
  const children = new Set<ChildProcess>();
  const servers: ServerUnderTest[] = [];
  const dirs = new Set<string>();
  const cleanup = (): void => {
    for (const server of servers) if (server.alive) server.child?.kill('SIGKILL');
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const started = Date.now();
  const result = await phase({
    short,
    logLevel: process.env.SOAK_LOG_LEVEL ?? 'info',
    ratePerChannel: 40,
    track: { server: (s) => servers.push(s), child: (c) => children.add(c), dir: (d) => dirs.add(d) },
  });
  process.stdout.write(
    [
      `nano-access soak, ${report.title} alone (${short ? 'short' : 'full'}; ${((Date.now() - started) / 1000).toFixed(0)} s; loopback; ${result.offered} req/s offered)`,
      '',
      keyValues(report.section, result.lines),
      '',
      mustTable(result.musts),
      '',
    ].join('\n'),
  );
  return result.musts.some((m) => !m.pass && !m.skipped && !m.advisory) ? 1 : 0;
}

const explain = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/**
 * A phase file's main: with `--client <argument>`, runs the phase's client and writes its result
 * as the last line of stdout (exit 2 if it throws); otherwise runs the phase alone. Exits either way.
 */
export function ownServerPhaseMain(
  client: { name: string; run: (argument: string) => Promise<unknown> },
  phase: (options: OwnServerPhaseOptions) => Promise<OwnServerPhaseResult>,
  report: { title: string; section: string },
): void {
  const at = process.argv.indexOf('--client');
  if (at !== -1) {
    Promise.resolve(process.argv[at + 1])
      .then(client.run)
      .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0)))
      .catch((error: unknown) => {
        process.stderr.write(`${client.name}: ${explain(error)}\n`);
        process.exit(2);
      });
  } else {
    runAlone(phase, report)
      .then((code) => process.exit(code))
      .catch((error: unknown) => {
        process.stderr.write(`soak: ${explain(error)}\n`);
        process.exit(2);
      });
  }
}
