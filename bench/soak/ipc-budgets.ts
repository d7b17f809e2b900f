/**
 * Phase 8 of the soak: what one client can make the IPC server hold (issue 20, items 4 and 5).
 *
 *   8a  idle TCP connections up to (and past) max_connections, held longer than io_timeout:
 *       the unix socket must keep answering, the idle connections must be kept.
 *   8b  many connections that each announce a max_frame_bytes frame, send most of it and never
 *       finish, reconnecting as the server drops them: the bytes in flight stay within
 *       max_inflight_bytes (frames still arriving within half of it), the frames past it are
 *       refused, and other connections keep being answered.
 *
 * The abusive clients run in the abuse-client process (task kind 'ipc-budgets'); the orchestration
 * (load phases, RSS, the musts) runs in the soak's process. `ipc-budgets-run.ts` runs this phase
 * alone against a fresh server.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { IpcClient } from '@nano-access/ipc-server';
import { percentile, type LoadDriver, type PhaseStats } from './load';
import type { Must } from './report';
import { sleep, type ServerUnderTest } from './server';

export type IpcBudgetTask =
  | { kind: 'idle-tcp'; tcpPort: number; socketPath: string; count: number; holdMs: number; probes: number }
  | {
      kind: 'partial-frames';
      tcpPort: number;
      socketPath: string;
      httpPort: number;
      connections: number;
      declared: number;
      sent: number;
      durationMs: number;
    };

export interface IdleTcpResult {
  attempted: number;
  /** Open when the hold ended: accepted, and never closed by the server while idle. */
  kept: number;
  /** Closed by the server within the first 500 ms, without a byte: refused at accept. */
  refused: number;
  /** Closed by the server after that, while idle (must be 0: idle connections are kept). */
  closedWhileIdle: number;
  connectErrors: number;
  holdSeconds: number;
  unixProbes: number;
  unixAnswered: number;
  unixLatencyP50Ms: number;
  unixLatencyMaxMs: number;
  /** A fresh TCP connection during the hold was refused (TCP is full, as intended). */
  tcpProbeRefused: boolean;
  /** A fresh TCP connection after the idle ones were let go got an answer. */
  tcpRecovered: boolean;
}

export interface PartialFramesResult {
  connections: number;
  declared: number;
  sent: number;
  seconds: number;
  /** Frames started (one per connection attempt that connected). */
  framesStarted: number;
  /** Frames answered with the budget refusal (then closed by the server). */
  refusedByBudget: number;
  /** Connections closed by the server without an answer (io_timeout on the stalled frame). */
  closedAtIoTimeout: number;
  connectErrors: number;
  /** From /metrics, scraped every 250 ms. */
  scrapes: number;
  maxInflightBytes: number;
  maxPartialBytes: number;
  limit: number;
  refusedTotal: number;
  inflightAfter: number;
}

function encodeHead(length: number): Buffer {
  const head = Buffer.from([0x4e, 4, 0, 0, 0, 0, 0, 0]);
  head.writeUInt32BE(length, 4);
  return head;
}

async function isAlive(
  target: { port: number } | { path: string },
  timeoutMs = 5000,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  const client = new IpcClient({
    ...('port' in target ? { host: '127.0.0.1', port: target.port } : { path: target.path }),
    timeoutMs,
    env: {},
  });
  const started = process.hrtime.bigint();
  try {
    const answer = await client.call({ message_type: 'IsAlive', message: {} });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return answer.message_type === 'Error'
      ? { ok: false, ms, error: JSON.stringify(answer.message) }
      : { ok: true, ms };
  } catch (error) {
    return {
      ok: false,
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** 8a: opens `count` TCP connections that never send a byte, probes the unix socket while they are held. */
export async function idleTcpConnections(task: Extract<IpcBudgetTask, { kind: 'idle-tcp' }>): Promise<IdleTcpResult> {
  const sockets: net.Socket[] = [];
  const closedAt: number[] = [];
  let connectErrors = 0;
  const openedAt = Date.now();
  await Promise.all(
    Array.from(
      { length: task.count },
      () =>
        new Promise<void>((ready) => {
          const socket = net.connect({ host: '127.0.0.1', port: task.tcpPort });
          sockets.push(socket);
          let connected = false;
          socket.once('connect', () => {
            connected = true;
            ready();
          });
          socket.on('error', () => undefined);
          socket.once('close', () => {
            if (!connected) {
              connectErrors += 1;
              ready();
            } else closedAt.push(Date.now());
          });
        }),
    ),
  );
  await sleep(500);
  const refused = closedAt.length;
  const settledAt = Date.now();

  // While TCP is full: the unix socket answers, a new TCP connection is refused.
  const latencies: number[] = [];
  let unixAnswered = 0;
  for (let i = 0; i < task.probes; i += 1) {
    const probe = await isAlive({ path: task.socketPath });
    if (probe.ok) {
      unixAnswered += 1;
      latencies.push(probe.ms);
    }
  }
  const tcpProbe = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: task.tcpPort });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 2000);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  const remaining = task.holdMs - (Date.now() - openedAt);
  if (remaining > 0) await sleep(remaining);
  const closedWhileIdle = closedAt.filter((t) => t > settledAt).length;
  const kept = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  const holdSeconds = (Date.now() - openedAt) / 1000;
  for (const socket of sockets) socket.destroy();
  await sleep(300);
  const recovered = await isAlive({ port: task.tcpPort });
  return {
    attempted: task.count,
    kept,
    refused,
    closedWhileIdle,
    connectErrors,
    holdSeconds,
    unixProbes: task.probes,
    unixAnswered,
    unixLatencyP50Ms: percentile(latencies, 50),
    unixLatencyMaxMs: latencies.length ? latencies.reduce((a, b) => Math.max(a, b), 0) : NaN,
    tcpProbeRefused: tcpProbe,
    tcpRecovered: recovered.ok,
  };
}

function scrapeMetrics(httpPort: number): Promise<Map<string, number>> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: httpPort, path: '/metrics', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const values = new Map<string, number>();
        for (const line of body.split('\n')) {
          const match = /^(nano_access_ipc_[a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
          if (match) values.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
        }
        resolve(values);
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(new Map()));
  });
}

/** 8b: `connections` clients that each start a frame of `declared` bytes, send `sent` of them and stall; reconnecting until durationMs. */
export async function partialFrames(
  task: Extract<IpcBudgetTask, { kind: 'partial-frames' }>,
): Promise<PartialFramesResult> {
  const deadline = Date.now() + task.durationMs;
  const frameStart = Buffer.concat([encodeHead(task.declared), Buffer.alloc(task.sent, 0x20)]);
  const live = new Set<net.Socket>();
  let framesStarted = 0;
  let refusedByBudget = 0;
  let closedAtIoTimeout = 0;
  let connectErrors = 0;

  const attacker = async (index: number): Promise<void> => {
    while (Date.now() < deadline) {
      await new Promise<void>((done) => {
        const socket =
          index % 2 === 0
            ? net.connect({ host: '127.0.0.1', port: task.tcpPort })
            : net.connect({ path: task.socketPath });
        live.add(socket);
        let connected = false;
        let answered = '';
        socket.once('connect', () => {
          connected = true;
          framesStarted += 1;
          socket.write(frameStart);
        });
        socket.on('data', (chunk: Buffer) => {
          answered += chunk.toString('latin1');
        });
        socket.on('error', () => undefined);
        socket.once('close', () => {
          live.delete(socket);
          if (!connected) connectErrors += 1;
          else if (/does not fit in max_inflight_bytes/.test(answered)) refusedByBudget += 1;
          else if (Date.now() < deadline) closedAtIoTimeout += 1;
          done();
        });
      });
      // A refused client comes back soon, as an attacker would; the pause keeps the harness (one
      // process) from spending its time on reconnects instead of holding frames.
      await sleep(100);
    }
  };

  let scrapes = 0;
  let maxInflightBytes = 0;
  let maxPartialBytes = 0;
  let limit = NaN;
  const scraper = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const values = await scrapeMetrics(task.httpPort);
      if (values.size > 0) {
        scrapes += 1;
        maxInflightBytes = Math.max(maxInflightBytes, values.get('nano_access_ipc_inflight_bytes') ?? 0);
        maxPartialBytes = Math.max(maxPartialBytes, values.get('nano_access_ipc_inflight_partial_bytes') ?? 0);
        limit = values.get('nano_access_ipc_inflight_bytes_limit') ?? NaN;
      }
      await sleep(250);
    }
  };

  const started = Date.now();
  await Promise.all([...Array.from({ length: task.connections }, (_, i) => attacker(i)), scraper()]);
  // The last attempts end with the deadline: let go of what is still open, then read the budget back.
  for (const socket of live) socket.destroy();
  await sleep(500);
  const after = await scrapeMetrics(task.httpPort);
  return {
    connections: task.connections,
    declared: task.declared,
    sent: task.sent,
    seconds: (Date.now() - started) / 1000,
    framesStarted,
    refusedByBudget,
    closedAtIoTimeout,
    connectErrors,
    scrapes,
    maxInflightBytes,
    maxPartialBytes,
    limit,
    refusedTotal: after.get('nano_access_ipc_inflight_refused_total') ?? NaN,
    inflightAfter: after.get('nano_access_ipc_inflight_bytes') ?? NaN,
  };
}

/** The abuse-client side: runs one task. */
export function runIpcBudgetTask(task: IpcBudgetTask): Promise<IdleTcpResult | PartialFramesResult> {
  return task.kind === 'idle-tcp' ? idleTcpConnections(task) : partialFrames(task);
}

// ---------------------------------------------------------------------------
// The soak's side

export interface IpcBudgetPhaseContext {
  server: ServerUnderTest;
  load: LoadDriver;
  /** Runs a task in the abuse-client process and returns its result. */
  runAbuse<T>(task: IpcBudgetTask): Promise<T>;
  /** [node.ipc] max_connections of the server (each transport). */
  maxConnections: number;
  ioTimeoutSeconds: number;
  /** [node.ipc] max_frame_bytes of the server. */
  maxFrameBytes: number;
  /** Descriptors the harness may spend on abusive connections. */
  descriptorBudget: number;
  short: boolean;
  log(line: string): void;
}

export interface IpcBudgetPhaseResult {
  musts: Must[];
  figures: Array<[string, string]>;
  idle: IdleTcpResult;
  partial: PartialFramesResult;
  phases: { idle: PhaseStats; partial: PhaseStats };
  rssKiB: { before: number; peak: number; after: number };
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '-';
}

/** Runs 8a and 8b against a server under steady load; returns the musts and the figures for the report. */
export async function runIpcBudgetPhases(ctx: IpcBudgetPhaseContext): Promise<IpcBudgetPhaseResult> {
  const { server, load } = ctx;
  const target = { tcpPort: server.tcpPort, socketPath: server.socketPath };

  // 8a. More idle TCP connections than max_connections, held past io_timeout.
  const idleCount = Math.min(ctx.maxConnections + 50, ctx.descriptorBudget);
  const idlePhase = load.phase('8a idle TCP vs unix');
  ctx.log(
    `phase 8a: ${idleCount} idle TCP connections against max_connections = ${ctx.maxConnections} per transport, held ${ctx.ioTimeoutSeconds + 2} s; unix probes meanwhile`,
  );
  const idle = await ctx.runAbuse<IdleTcpResult>({
    kind: 'idle-tcp',
    ...target,
    count: idleCount,
    holdMs: (ctx.ioTimeoutSeconds + 2) * 1000,
    probes: 20,
  });

  // 8b. Half-sent frames of max_frame_bytes on many connections of both transports, for a while.
  const partialPhase = load.phase('8b partial frames');
  await sleep(1000);
  const rssBefore = server.rssKiB();
  const connections = Math.min(2 * (ctx.maxConnections - 20), ctx.descriptorBudget, 1000);
  const durationMs = ctx.short ? 5000 : 12_000;
  ctx.log(
    `phase 8b: ${connections} connections each announcing ${ctx.maxFrameBytes} B and sending ${ctx.maxFrameBytes - 4096} B, for ${durationMs / 1000} s; probes meanwhile`,
  );
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, server.rssKiB());
  }, 200);
  // Probes from this process, not the attacker's (whose event loop is busy with its sockets): new
  // connections on both transports, one IsAlive each, every 50 ms while the attack lasts.
  let attacking = true;
  const probes = { sent: 0, latencies: [] as number[], failures: [] as string[] };
  const prober = (async () => {
    await sleep(500); // the attack under way
    for (let i = 0; attacking; i += 1) {
      const probeTarget = i % 2 === 0 ? { port: server.tcpPort } : { path: server.socketPath };
      probes.sent += 1;
      const probe = await isAlive(probeTarget);
      if (probe.ok) probes.latencies.push(probe.ms);
      else if (probes.failures.length < 5)
        probes.failures.push(`${'port' in probeTarget ? 'tcp' : 'unix'}: ${probe.error}`);
      await sleep(50);
    }
  })();
  const partial = await ctx.runAbuse<PartialFramesResult>({
    kind: 'partial-frames',
    ...target,
    httpPort: server.httpPort,
    connections,
    declared: ctx.maxFrameBytes,
    sent: ctx.maxFrameBytes - 4096,
    durationMs,
  });
  attacking = false;
  await prober;
  clearInterval(sampler);
  const probesAnswered = probes.latencies.length;
  load.phase('8 after');
  await sleep(2000);
  const rssAfter = server.rssKiB();

  const loadTcpConnections = 2; // the steady load's two IPC clients on TCP
  const unbounded = partial.connections * partial.sent;
  const musts: Must[] = [
    {
      name: '8a idle TCP leaves the unix socket open',
      // Kept: max_connections less the TCP connections already open (the load's, a straggler or two).
      pass:
        idle.unixAnswered === idle.unixProbes &&
        idle.kept <= ctx.maxConnections &&
        idle.kept >= ctx.maxConnections - loadTcpConnections - 8 &&
        idle.kept + idle.refused + idle.connectErrors === idle.attempted &&
        idle.closedWhileIdle === 0 &&
        idle.tcpProbeRefused &&
        idle.tcpRecovered &&
        idlePhase.errors === 0,
      detail: `${idle.attempted} idle TCP: ${idle.kept} kept ${idle.holdSeconds.toFixed(1)} s (io_timeout ${ctx.ioTimeoutSeconds} s), ${idle.refused} refused, ${idle.closedWhileIdle} closed while idle; unix ${idle.unixAnswered}/${idle.unixProbes} answered; new TCP ${idle.tcpProbeRefused ? 'refused' : 'NOT refused'}, after: ${idle.tcpRecovered ? 'ok' : 'FAILED'}; load errors ${idlePhase.errors}`,
    },
    {
      name: '8b bytes in flight bounded, others answered',
      pass:
        partial.refusedByBudget > 0 &&
        partial.maxInflightBytes <= partial.limit &&
        partial.maxPartialBytes <= partial.limit / 2 &&
        probesAnswered === probes.sent &&
        partialPhase.errors === 0 &&
        partial.scrapes > 0 &&
        server.alive,
      detail: `${partial.connections} connections, ${partial.framesStarted} frames started: ${partial.refusedByBudget} refused, ${partial.closedAtIoTimeout} dropped at io_timeout; in flight max ${mib(partial.maxInflightBytes)} MiB (partial ${mib(partial.maxPartialBytes)}) of ${mib(partial.limit)}; probes ${probesAnswered}/${probes.sent}; load errors ${partialPhase.errors}`,
    },
    {
      name: '8b memory back after the attack',
      pass: Number.isFinite(partial.inflightAfter) && partial.inflightAfter <= 64 * 1024,
      detail: `in flight ${partial.inflightAfter} B 0.5 s after; RSS ${mib(rssBefore * 1024)} MiB before, ${mib(rssPeak * 1024)} peak, ${mib(rssAfter * 1024)} 2 s after`,
    },
  ];
  const figures: Array<[string, string]> = [
    [
      'idle TCP (8a)',
      `${idle.attempted} opened vs max_connections ${ctx.maxConnections}/transport: ${idle.kept} kept for ${idle.holdSeconds.toFixed(1)} s, ${idle.refused} refused, ${idle.closedWhileIdle} closed while idle`,
    ],
    [
      'unix while TCP full',
      `${idle.unixAnswered}/${idle.unixProbes} IsAlive on new unix connections, p50 ${ms(idle.unixLatencyP50Ms)} ms, max ${ms(idle.unixLatencyMaxMs)} ms`,
    ],
    [
      'partial frames (8b)',
      `${partial.connections} connections × ${partial.sent} B of ${partial.declared} B announced, ${partial.seconds.toFixed(1)} s: ${partial.framesStarted} frames, ${partial.refusedByBudget} refused by the budget (${partial.refusedTotal} counted in /metrics), ${partial.closedAtIoTimeout} dropped at io_timeout`,
    ],
    [
      'bytes in flight',
      `max ${mib(partial.maxInflightBytes)} MiB (frames still arriving ${mib(partial.maxPartialBytes)} MiB) of max_inflight_bytes ${mib(partial.limit)} MiB, over ${partial.scrapes} scrapes; ${partial.inflightAfter} B after; unbounded it would be ${mib(unbounded)} MiB`,
    ],
    [
      'others meanwhile',
      `${probesAnswered}/${probes.sent} IsAlive on new connections, p50 ${ms(percentile(probes.latencies, 50))} ms, p99 ${ms(percentile(probes.latencies, 99))} ms; steady load ${partialPhase.requests} requests, ${partialPhase.errors} errors`,
    ],
    [
      'RSS (8b)',
      `${mib(rssBefore * 1024)} MiB before, ${mib(rssPeak * 1024)} MiB peak, ${mib(rssAfter * 1024)} MiB 2 s after`,
    ],
  ];
  for (const failure of probes.failures) figures.push(['probe failure', failure]);
  return {
    musts,
    figures,
    idle,
    partial,
    phases: { idle: idlePhase, partial: partialPhase },
    rssKiB: { before: rssBefore, peak: rssPeak, after: rssAfter },
  };
}
