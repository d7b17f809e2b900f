/**
 * The IPC server's overhead: requests/s and p99 latency for IsAlive and
 * AccountWeight (encoding 4) through the full path (framing, JSON.parse, schema
 * validation, authorization, embedded backend, ASCII JSON response), against
 * its floor: a bare node:net server that parses the same frames and answers a
 * constant, and a second floor, the JSON floor: the same server that also
 * JSON.parse's each request and writes a JSON answer built per request (the
 * share of the work any real answer has). Over the unix socket and TCP, with 1 and 16 concurrent clients,
 * each client a closed loop (send, wait for the answer, send again) on its own
 * connection. Same run, loopback only, bounded (DURATION seconds per run).
 * Target: full ≥ 0.85× the JSON floor with 16 clients (the ratio to bare beside it).
 *
 * The servers run in a child process, so the load generator does not share
 * their event loop. Besides req/s, each run reports the server process's CPU
 * time per request (user + system, asked of the child before and after the
 * run): on a shared machine it bends far less than req/s, which also depends
 * on how much CPU the load generator gets.
 *
 *   npx tsc -b && npx tsx bench/ipc.ts
 *   BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npx tsx bench/ipc.ts   (a profile of the servers)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DATA, fixtureEngine } from './_fixture-engine';
import { requestFrame, serveFrames, serveJsonFloor } from './_ipc-floors';

const DURATION = Number(process.env.BENCH_DURATION ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** BENCH_SERVE_NODE_ARGS: node options for the servers' child (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
const SERVE_NODE_ARGS = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

interface Endpoints {
  full: { tcp: number; path: string };
  framing: { tcp: number; path: string };
  bare: { tcp: number; path: string };
  /** The second floor: the bare server that also JSON.parse's each request and JSON.stringify's its answer. */
  json: { tcp: number; path: string };
  account: string;
}

/** Child: the full IPC server and the bare floor, each on TCP and a unix socket. */
async function serve(): Promise<void> {
  const { stringifyAscii } = await import('@nano-access/protocol');
  const { defaultNodeConfig, startIpcServers } = await import('@nano-access/ipc-server');
  const pino = (await import('pino')).default;
  const { rep, dispatcher } = await fixtureEngine();
  const dir = mkdtempSync(join(tmpdir(), 'na-bench-ipc-'));
  const config = defaultNodeConfig(DATA);
  config.ipc.tcp = { ...config.ipc.tcp, enable: true, port: 0 };
  config.ipc.local = { ...config.ipc.local, enable: true, path: join(dir, 'full.sock') };
  const servers = await startIpcServers({ config, dispatcher, logger: pino({ level: 'silent' }), dataDir: DATA });
  const fullTcp = servers.addresses().find((a) => a.transport === 'tcp') as { port: number };

  // The IPC layer alone: the same server with a stand-in dispatcher that answers a constant, to
  // separate the cost of framing and connection handling from the dispatcher's.
  const constant = { time: Date.now(), message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } };
  const standIn = {
    handleEnvelope: async () => constant,
    handleLegacy: async () => ({ outcome: 'ok' as const, body: {} }),
    handleFlatbuffers: async () => new Uint8Array(0),
    closeSession: () => undefined,
  };
  const framingConfig = defaultNodeConfig(DATA);
  framingConfig.ipc.tcp = { ...framingConfig.ipc.tcp, enable: true, port: 0 };
  framingConfig.ipc.local = { ...framingConfig.ipc.local, enable: true, path: join(dir, 'framing.sock') };
  const framingServers = await startIpcServers({
    config: framingConfig,
    dispatcher: standIn,
    logger: pino({ level: 'silent' }),
    dataDir: DATA,
  });
  const framingTcp = framingServers.addresses().find((a) => a.transport === 'tcp') as { port: number };

  // The floor: frame parsing (preamble, be32 length, payload) and a constant answer.
  const answer = Buffer.from(
    stringifyAscii({ time: Date.now(), message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } }),
    'latin1',
  );
  const framedAnswer = Buffer.concat([Buffer.from([0, 0, 0, 0]), answer]);
  framedAnswer.writeUInt32BE(answer.length, 0);
  const bareHandler = (socket: net.Socket): void => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    serveFrames(socket, () => framedAnswer);
  };
  // The JSON floor: the same framing, plus the share of the work no real answer avoids: the
  // request's JSON parsed, the answer built per request and written as JSON.
  const jsonHandler = (socket: net.Socket): void => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    serveJsonFloor(socket, rep.weight);
  };
  const jsonTcp = net.createServer(jsonHandler);
  const jsonUnix = net.createServer(jsonHandler);
  await new Promise<void>((resolve) => jsonTcp.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => jsonUnix.listen(join(dir, 'json.sock'), resolve));
  const bareTcp = net.createServer(bareHandler);
  const bareUnix = net.createServer(bareHandler);
  await new Promise<void>((resolve) => bareTcp.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => bareUnix.listen(join(dir, 'bare.sock'), resolve));

  const endpoints: Endpoints = {
    full: { tcp: fullTcp.port, path: join(dir, 'full.sock') },
    framing: { tcp: framingTcp.port, path: join(dir, 'framing.sock') },
    bare: { tcp: (bareTcp.address() as net.AddressInfo).port, path: join(dir, 'bare.sock') },
    json: { tcp: (jsonTcp.address() as net.AddressInfo).port, path: join(dir, 'json.sock') },
    account: rep.account,
  };
  process.stdout.write(`${JSON.stringify(endpoints)}\n`);
  // Each line on stdin asks for the process's CPU time so far (µs, user + system) and its main
  // thread's involuntary context switches (Linux; NaN elsewhere).
  createInterface({ input: process.stdin }).on('line', () => {
    const usage = process.cpuUsage();
    process.stdout.write(`${usage.user + usage.system} ${involuntarySwitches()}\n`);
  });
  process.stdin.on('end', () => {
    void Promise.all([servers.close(), framingServers.close()]).then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

/**
 * The main thread's involuntary context switches so far: the times the kernel took the CPU from
 * it while it could run, mostly a client woken by an answer's write() preempting the server.
 */
function involuntarySwitches(): number {
  try {
    const status = readFileSync(`/proc/${process.pid}/task/${process.pid}/status`, 'utf8');
    return Number(/nonvoluntary_ctxt_switches:\s*(\d+)/.exec(status)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

interface Run {
  rps: number;
  p99: number;
  /** Server process CPU µs per request. */
  cpu: number;
  /** Server main thread involuntary context switches per request. */
  preempt: number;
}

interface ServerCounters {
  cpu: number;
  preempt: number;
}

/** Asks the server child for its CPU time (µs) and preemptions; answers come back in order, one line each. */
let serverCpu: () => Promise<ServerCounters> = () => Promise.resolve({ cpu: NaN, preempt: NaN });

/** One closed-loop client: send, wait for the whole answer, record the latency, repeat until the deadline. */
function client(target: number | string, request: Buffer, deadline: bigint, latencies: number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket =
      typeof target === 'number'
        ? net.createConnection({ port: target, host: '127.0.0.1' })
        : net.createConnection(target);
    socket.setNoDelay(true);
    let count = 0;
    let sentAt = 0n;
    let buffered: Buffer = Buffer.alloc(0);
    const send = (): void => {
      sentAt = process.hrtime.bigint();
      socket.write(request);
    };
    socket.on('error', reject);
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length < 4 || buffered.length < 4 + buffered.readUInt32BE(0)) return;
      buffered = buffered.subarray(4 + buffered.readUInt32BE(0));
      const now = process.hrtime.bigint();
      latencies.push(Number(now - sentAt) / 1e6);
      count += 1;
      if (now < deadline) send();
      else {
        socket.destroy();
        resolve(count);
      }
    });
  });
}

async function load(target: number | string, request: Buffer, clients: number, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  const cpuBefore = await serverCpu();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  const counts = await Promise.all(Array.from({ length: clients }, () => client(target, request, deadline, latencies)));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const after = await serverCpu();
  const total = counts.reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    rps: total / elapsed,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
    cpu: (after.cpu - cpuBefore.cpu) / total,
    preempt: (after.preempt - cpuBefore.preempt) / total,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(runs: Run[]): Run {
  return {
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    cpu: median(runs.map((r) => r.cpu)),
    preempt: median(runs.map((r) => r.preempt)),
  };
}

/**
 * Alternates short runs of the subject and the bare server ROUNDS times and reports medians: the
 * machine is shared, and a pair of back-to-back runs sees the same background load, so the median
 * of the per-pair ratios is steadier than any single long run.
 */
async function compare(
  subject: number | string,
  bare: number | string,
  request: Buffer,
  clients: number,
  jsonFloor?: number | string,
): Promise<{ subject: Run; bare: Run; ratio: number; cpuRatio: number; json?: Run; jsonRatio?: number }> {
  const s: Run[] = [];
  const b: Run[] = [];
  const j: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    s.push(await load(subject, request, clients, DURATION));
    if (jsonFloor !== undefined) j.push(await load(jsonFloor, request, clients, DURATION));
    b.push(await load(bare, request, clients, DURATION));
  }
  return {
    subject: summarize(s),
    bare: summarize(b),
    ratio: median(s.map((r, i) => r.rps / b[i].rps)),
    cpuRatio: median(s.map((r, i) => b[i].cpu / r.cpu)),
    ...(jsonFloor === undefined ? {} : { json: summarize(j), jsonRatio: median(s.map((r, i) => r.rps / j[i].rps)) }),
  };
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, [...SERVE_NODE_ARGS, '--import', 'tsx', __filename, '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
  });
  const endpoints = JSON.parse(line) as Endpoints;
  const pending: Array<(counters: ServerCounters) => void> = [];
  lines.on('line', (text) => {
    const [cpu, preempt] = text.split(' ').map(Number);
    pending.shift()?.({ cpu, preempt });
  });
  serverCpu = () =>
    new Promise<ServerCounters>((resolve) => {
      pending.push(resolve);
      child.stdin.write('cpu\n');
    });
  const messages = [
    { name: 'IsAlive', request: requestFrame(JSON.stringify({ message_type: 'IsAlive', message: {} })) },
    {
      name: 'AccountWeight',
      request: requestFrame(JSON.stringify({ message_type: 'AccountWeight', message: { account: endpoints.account } })),
    },
  ];
  const transports = [
    {
      name: 'unix',
      full: endpoints.full.path,
      framing: endpoints.framing.path,
      bare: endpoints.bare.path,
      json: endpoints.json.path,
    },
    {
      name: 'tcp',
      full: endpoints.full.tcp,
      framing: endpoints.framing.tcp,
      bare: endpoints.bare.tcp,
      json: endpoints.json.tcp,
    },
  ];
  try {
    // Warm both servers (JIT) before measuring.
    for (const t of transports) {
      for (const m of messages) {
        await load(t.full, m.request, 16, 1);
        await load(t.bare, m.request, 16, 1);
        await load(t.json, m.request, 16, 1);
      }
    }
    const rows: string[] = [];
    const layerRows: string[] = [];
    for (const t of transports) {
      for (const clients of [1, 16]) {
        const layer = await compare(t.framing, t.bare, messages[0].request, clients);
        layerRows.push(
          `| ${t.name} | ${clients} | ${Math.round(layer.subject.rps)} | ${layer.subject.p99.toFixed(2)} | ${layer.subject.cpu.toFixed(1)} | ${layer.subject.preempt.toFixed(2)} | ${Math.round(layer.bare.rps)} | ${layer.bare.p99.toFixed(2)} | ${layer.bare.cpu.toFixed(1)} | ${layer.bare.preempt.toFixed(2)} | ${layer.ratio.toFixed(2)}× | ${layer.cpuRatio.toFixed(2)}× |`,
        );
        for (const m of messages) {
          const full = await compare(t.full, t.bare, m.request, clients, t.json);
          const json = full.json!;
          rows.push(
            `| ${t.name} | ${clients} | ${m.name} | ${Math.round(full.subject.rps)} | ${full.subject.p99.toFixed(2)} | ${full.subject.cpu.toFixed(1)} | ${Math.round(json.rps)} | ${json.cpu.toFixed(1)} | ${Math.round(full.bare.rps)} | ${full.bare.p99.toFixed(2)} | ${full.bare.cpu.toFixed(1)} | ${full.jsonRatio!.toFixed(2)}× | ${full.ratio.toFixed(2)}× | ${full.cpuRatio.toFixed(2)}× |`,
          );
        }
      }
    }
    process.stdout.write(
      `\nIPC server vs two floors, the bare node:net frame server and the JSON floor (the same with JSON.parse and JSON.stringify per request) (closed-loop clients, medians of ${ROUNDS} alternating ${DURATION} s runs, loopback, Node ${process.version})\n\n`,
    );
    process.stdout.write(
      '| transport | clients | message | full req/s | full p99 ms | full CPU µs/req | JSON floor req/s | JSON floor CPU µs/req | bare req/s | bare p99 ms | bare CPU µs/req | ratio to JSON floor (target ≥ 0.85×) | ratio to bare | CPU ratio (bare/full) |\n',
    );
    process.stdout.write('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
    for (const row of rows) process.stdout.write(`${row}\n`);
    process.stdout.write(
      '\nThe IPC layer alone (the same server, a stand-in dispatcher answering a constant) vs the bare server, IsAlive frames\n\n',
    );
    process.stdout.write("(preempt/req: the server main thread's involuntary context switches per request)\n\n");
    process.stdout.write(
      '| transport | clients | IPC layer req/s | IPC layer p99 ms | IPC layer CPU µs/req | IPC layer preempt/req | bare req/s | bare p99 ms | bare CPU µs/req | bare preempt/req | ratio | CPU ratio |\n',
    );
    process.stdout.write('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
    for (const row of layerRows) process.stdout.write(`${row}\n`);
  } finally {
    child.stdin.end();
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
