/**
 * The gateway's half of the abuse phase for half-sent bodies (issue 20, item 5):
 * `nano-access serve` with the gateway's default body limits (max_request_size
 * 32 MiB, max_request_bytes_in_flight 64 MiB) under steady load, then clients
 * that declare 32 MiB bodies and send 24 MiB of them without finishing (the
 * issue's reproduction, which grew RSS by about 145 MiB before the budget), and
 * chunked bodies pushed at the budget mid-stream. Reports what was refused and
 * when, what the server held (its /metrics and VmRSS), and whether the load kept
 * being answered.
 *
 *   npx tsx bench/soak/half-bodies-http.ts [--short]     this phase alone (after npx tsc -b)
 *
 * run.ts runs it as one of its phases. The abusive sockets run in a child
 * process (this file with --client), so their 24 MiB writes do not share an
 * event loop with the load being measured.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { percentile, type PhaseStats } from './load';
import { makeCredentials, prng } from './policies';
import { ReloadDriver } from './reloads';
import {
  ownServerPhaseMain,
  sampleRssFor,
  startClient,
  startPhaseLoad,
  startPhaseServer,
  type OwnServerPhaseOptions,
  type OwnServerPhaseResult,
} from './own-server-phase';
import type { Must } from './report';
import { sleep } from './server';

const MIB = 1024 * 1024;

/** The gateway keys of this phase: the defaults, written out so the report names them. */
const LIMITS = { maxRequestSize: 32 * MIB, budget: 64 * MIB, requestTimeout: 30 };

/** What the abusive client does (in its own process). */
interface ClientTask {
  httpPort: number;
  /** Connections declaring `declaredBytes` and sending `sentBytes` of it, one after the other. */
  declared: { count: number; declaredBytes: number; sentBytes: number };
  /** Chunked connections, at once, each sending up to `maxBytes` in `chunkBytes` chunks. */
  chunked: { count: number; chunkBytes: number; maxBytes: number };
  /** How long the half bodies are held after both groups are in place. */
  holdMs: number;
}

interface DeclaredOutcome {
  /** Answered (503) after the headers, before the harness sent a body byte. */
  refusedAtOnce: boolean;
  status: number;
  /** Still open, body unfinished, at the end of the hold. */
  heldOpen: boolean;
}

interface ChunkedOutcome {
  status: number;
  /** Body bytes the harness had written when the answer came (0: never answered). */
  sentWhenAnswered: number;
  /** The server closed the connection after answering. */
  closedByServer: boolean;
}

interface ClientResult {
  declared: DeclaredOutcome[];
  chunked: ChunkedOutcome[];
}

export type HalfBodiesOptions = OwnServerPhaseOptions;

export type HalfBodiesResult = OwnServerPhaseResult;

// ---------------------------------------------------------------------------
// The abusive client (child process)

function statusOf(text: string): number {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  return match ? Number(match[1]) : 0;
}

function write(socket: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise((done) => {
    if (socket.destroyed) return done();
    socket.write(data, () => done());
  });
}

/** Declares `declaredBytes`, waits for an early answer, else sends `sentBytes` of the body and stalls. */
async function declaredBody(
  port: number,
  declaredBytes: number,
  sentBytes: number,
): Promise<{ socket: net.Socket; outcome: () => DeclaredOutcome }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.once('close', () => (closed = true));
  await new Promise<void>((ready) => socket.once('connect', () => ready()));
  await write(
    socket,
    `POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n`,
  );
  // A refusal of the declared length comes without any body byte: give it time to arrive.
  const until = Date.now() + 500;
  while (received === '' && !closed && Date.now() < until) await sleep(10);
  const refusedAtOnce = received !== '';
  if (!refusedAtOnce && !closed) {
    await write(socket, Buffer.concat([Buffer.from('{'), Buffer.alloc(sentBytes - 1, 0x20)]));
  }
  return {
    socket,
    outcome: () => ({ refusedAtOnce, status: statusOf(received), heldOpen: !closed && received === '' }),
  };
}

/** Sends a chunked body in `chunkBytes` pieces until the server answers, closes, or maxBytes are sent. */
async function chunkedBody(
  port: number,
  chunkBytes: number,
  maxBytes: number,
): Promise<{ socket: net.Socket; outcome: ChunkedOutcome }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  let received = '';
  let closed = false;
  let sent = 0;
  let sentWhenAnswered = 0;
  socket.on('data', (chunk: Buffer) => {
    if (received === '') sentWhenAnswered = sent;
    received += chunk.toString('latin1');
  });
  socket.once('close', () => (closed = true));
  await new Promise<void>((ready) => socket.once('connect', () => ready()));
  await write(
    socket,
    'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
  );
  const piece = Buffer.concat([
    Buffer.from(`${chunkBytes.toString(16)}\r\n`),
    Buffer.alloc(chunkBytes, 0x20),
    Buffer.from('\r\n'),
  ]);
  while (sent < maxBytes && received === '' && !closed) {
    await write(socket, piece);
    sent += chunkBytes;
    await sleep(5);
  }
  const until = Date.now() + 5000;
  while (!closed && Date.now() < until) await sleep(20);
  return {
    socket,
    outcome: {
      status: statusOf(received),
      sentWhenAnswered: received === '' ? 0 : sentWhenAnswered,
      closedByServer: closed,
    },
  };
}

async function runClient(task: ClientTask): Promise<ClientResult> {
  const declared: Array<Awaited<ReturnType<typeof declaredBody>>> = [];
  for (let i = 0; i < task.declared.count; i++)
    declared.push(await declaredBody(task.httpPort, task.declared.declaredBytes, task.declared.sentBytes));
  process.stdout.write('declared-in-place\n');
  const chunked = await Promise.all(
    Array.from({ length: task.chunked.count }, () =>
      chunkedBody(task.httpPort, task.chunked.chunkBytes, task.chunked.maxBytes),
    ),
  );
  process.stdout.write('chunked-done\n');
  await sleep(task.holdMs);
  const result: ClientResult = { declared: declared.map((d) => d.outcome()), chunked: chunked.map((c) => c.outcome) };
  for (const { socket } of [...declared, ...chunked]) socket.destroy();
  return result;
}

// ---------------------------------------------------------------------------
// The phase (harness side)

function getText(url: string): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = http.get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, text }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('no /metrics answer within 5 s')));
    req.on('error', fail);
  });
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

/** A whole body of `bytes` (a JSON object padded with spaces) through a fresh connection: its status. */
function postWhole(url: string, bytes: number): Promise<number> {
  const body = Buffer.concat([Buffer.from('{'), Buffer.alloc(bytes - 2, 0x20), Buffer.from('}')]);
  return new Promise((done, fail) => {
    const req = http.request(
      `${url}/api/v2/IsAlive`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': bytes } },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', fail);
    req.end(body);
  });
}

/** Answers of the load that were the budget's 503 (a refusal, not a failure of the server). */
function budgetRefusals(stats: PhaseStats): number {
  let count = 0;
  for (const [message, n] of stats.errorSamples) if (/max_request_bytes_in_flight/.test(message)) count += n;
  return count;
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

export async function halfBodiesHttp(options: HalfBodiesOptions): Promise<HalfBodiesResult> {
  const credentials = makeCredentials(6);
  const initialText = ReloadDriver.initialText(credentials, prng(20261126));
  const server = await startPhaseServer(
    'bodies',
    initialText,
    [
      // The gateway at its default body limits (written out), not the soak's 64 KiB of server a.
      `max_request_size = ${LIMITS.maxRequestSize}`,
      `max_request_bytes_in_flight = ${LIMITS.budget}`,
      `request_timeout = ${LIMITS.requestTimeout}`,
    ],
    options,
  );
  const metricsUrl = `${server.httpUrl}/metrics`;
  const { load, baseline, rssSamples, rssBefore } = await startPhaseLoad(
    server,
    initialText,
    [undefined, ...credentials.users, credentials.unknown],
    '7 bodies: baseline',
    options,
  );
  const sampleFor = (ms: number): Promise<void> => sampleRssFor(server, rssSamples, ms);

  // The abuse: 6 × (24 MiB of a declared 32 MiB), one after the other, then 3 chunked bodies at once.
  const abused = load.phase('7 bodies: half-sent bodies');
  const task: ClientTask = {
    httpPort: server.httpPort,
    declared: { count: 6, declaredBytes: 32 * MIB, sentBytes: 24 * MIB },
    chunked: { count: 3, chunkBytes: MIB, maxBytes: 30 * MIB },
    holdMs: options.short ? 3000 : 8000,
  };
  const client = startClient<ClientResult>(__filename, JSON.stringify(task), options.track);
  let inFlightMax = 0;
  let limitSeen = NaN;
  let metricsFailures = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      rssSamples.push(server.rssKiB());
      try {
        const text = (await getText(metricsUrl)).text;
        inFlightMax = Math.max(inFlightMax, metric(text, 'nano_access_gateway_body_bytes_in_flight'));
        limitSeen = metric(text, 'nano_access_gateway_body_bytes_limit');
      } catch {
        metricsFailures += 1;
      }
      await sleep(100);
    }
  })();
  await client.exited;
  running = false;
  await sampler;
  const rssDuring = [...rssSamples];
  rssSamples.length = 0;
  const result = client.result('half-bodies client');

  // After: everything given back, a whole 30 MiB body accepted, the load still answered.
  const after = load.phase('7 bodies: after');
  let released = NaN;
  const releaseDeadline = Date.now() + 10_000;
  while (Date.now() < releaseDeadline) {
    released = metric((await getText(metricsUrl)).text, 'nano_access_gateway_body_bytes_in_flight');
    if (released === 0) break;
    await sleep(100);
  }
  await sampleFor(options.short ? 3000 : 6000);
  const rssAfter = percentile(rssSamples.splice(0), 50);
  // Then one whole body near max_request_size: accepted again once the budget is given back.
  const wholeStatus = await postWhole(server.httpUrl, 30 * MIB);
  const finalMetrics = (await getText(metricsUrl)).text;
  await load.stop();
  const alive = server.alive;
  const exit = await server.stop();

  const declaredHeld = result.declared.filter((d) => d.heldOpen).length;
  const declaredRefused = result.declared.filter((d) => d.refusedAtOnce && d.status === 503).length;
  const chunkedRefused = result.chunked.filter((c) => c.status === 503 && c.closedByServer).length;
  const rssPeak = Math.max(...rssDuring.filter(Number.isFinite));
  const growthMiB = (rssPeak - rssBefore) / 1024;
  const loadFailures = abused.errors - budgetRefusals(abused);
  const refusalsTotal = metric(finalMetrics, 'nano_access_gateway_body_budget_refusals_total');

  const musts: Must[] = [
    {
      name: '7 half bodies held within the budget',
      pass: inFlightMax <= LIMITS.budget && limitSeen === LIMITS.budget && declaredHeld === 2,
      detail: `body bytes in flight at most ${mib(inFlightMax)} MiB (limit ${mib(limitSeen)} MiB); ${declaredHeld} of ${result.declared.length} half bodies held`,
    },
    {
      name: '7 declared length past the budget: 503 at once',
      pass: declaredRefused === result.declared.length - declaredHeld && declaredRefused === 4,
      detail: `${declaredRefused} of ${result.declared.length} declared 32 MiB bodies answered 503 before a body byte was sent`,
    },
    {
      name: '7 chunked past the budget: 503 and closed',
      pass: chunkedRefused === result.chunked.length,
      detail: `${chunkedRefused} of ${result.chunked.length} chunked bodies answered 503 and closed, after ${result.chunked.map((c) => mib(c.sentWhenAnswered)).join(' / ')} MiB sent`,
    },
    {
      name: '7 load answered meanwhile',
      pass:
        alive &&
        loadFailures === 0 &&
        abused.requests > 0 &&
        after.errors - budgetRefusals(after) === 0 &&
        metricsFailures === 0,
      detail: `${abused.requests} requests during the abuse, ${loadFailures} failed, ${budgetRefusals(abused)} refused by the budget (503); /metrics unanswered ${metricsFailures} times`,
    },
    {
      name: '7 RSS growth bounded by the budget',
      pass: growthMiB <= (2 * LIMITS.budget) / MIB,
      detail: `peak +${growthMiB.toFixed(1)} MiB over the median before (bound: twice the budget, ${(2 * LIMITS.budget) / MIB} MiB; 6 × 24 MiB unbounded grew it by about 145 MiB)`,
    },
    {
      name: '7 budget given back',
      pass: released === 0 && wholeStatus === 200 && exit !== null && exit.code === 0,
      detail: `in flight ${released} bytes after the clients left; a whole 30 MiB body then: HTTP ${wholeStatus}; server exit ${exit?.code ?? exit?.signal}`,
    },
  ];
  const lines: Array<[string, string]> = [
    [
      'limits',
      `max_request_size ${mib(LIMITS.maxRequestSize)} MiB, max_request_bytes_in_flight ${mib(LIMITS.budget)} MiB, request_timeout ${LIMITS.requestTimeout} s`,
    ],
    [
      'declared bodies',
      `${result.declared.length} × 24 MiB of 32 MiB, in turn: ${declaredHeld} held, ${declaredRefused} refused at once (503)`,
    ],
    [
      'chunked bodies',
      `${result.chunked.length} at once in 1 MiB chunks: ${chunkedRefused} answered 503 and closed, after ${result.chunked.map((c) => mib(c.sentWhenAnswered)).join(' / ')} MiB`,
    ],
    [
      'bytes in flight',
      `at most ${mib(inFlightMax)} MiB (sampled every 100 ms); budget refusals counted ${refusalsTotal}`,
    ],
    [
      'RSS',
      `median ${(rssBefore / 1024).toFixed(1)} MiB before, peak ${(rssPeak / 1024).toFixed(1)} MiB during (+${growthMiB.toFixed(1)} MiB), median ${(rssAfter / 1024).toFixed(1)} MiB after the clients left`,
    ],
    [
      'load',
      `baseline ${baseline.requests} requests; during ${abused.requests} (${loadFailures} failed, ${budgetRefusals(abused)} budget 503s, p99 ${percentile(abused.latenciesMs, 99).toFixed(1)} ms); after ${after.requests}`,
    ],
    ...[...abused.errorSamples, ...after.errorSamples].map(([message, n]): [string, string] => [
      'load error',
      `${n} × ${message}`,
    ]),
  ];
  return { musts, lines, load: [baseline, abused, after], offered: load.offeredRate };
}

// ---------------------------------------------------------------------------
// Entry points: the phase alone, or the abusive client.

if (require.main === module)
  ownServerPhaseMain(
    { name: 'half-bodies client', run: (task) => runClient(JSON.parse(task) as ClientTask) },
    halfBodiesHttp,
    { title: 'phase 7 (HTTP half-sent bodies)', section: 'half-sent bodies (gateway)' },
  );
