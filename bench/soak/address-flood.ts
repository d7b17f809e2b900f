/**
 * Phase 9 (issue 27, "How to show it"): a flood from many client addresses against the
 * gateway's address lists (and whatever else judges a request by its client address), while a
 * legitimate user keeps its steady load. `nano-access serve` with a few hundred deny CIDRs and
 * `trust_proxy`; the flood comes from thousands of loopback addresses across 127.0.0.0/8 (Linux
 * routes all of it to lo: each client socket binds its own source address), and from a trusted
 * proxy (127.0.0.1) naming thousands more in X-Forwarded-For. Checks that every denied address
 * got 403 and every other one an answer, that the server's memory stayed bounded while it saw
 * that many distinct addresses, and that the steady load was served throughout.
 *
 *   npx tsx bench/soak/address-flood.ts [--short]     this phase alone (after npx tsc -b)
 *
 * run.ts runs it as one of its phases. The flood runs in a child process (this file with
 * --client), off the event loop of the load being measured.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as http from 'node:http';
import { join } from 'node:path';
import { keepAliveAgent, percentile } from './load';
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

const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
/** [rate_limit] max_buckets of the phase: far fewer than the flood's distinct addresses. */
const MAX_BUCKETS = 1000;
/** RSS may grow this much over its median before the flood (MiB). */
const RSS_BOUND_MIB = 96;

/**
 * The deny list: 127.200.0.0/16 and 127.201.0.0/16 whole, and 300 blocks of mixed lengths
 * (/24, /28, /32) across 127.202-127.250 and 198.18.0.0/15 (what the trusted proxy names).
 * Only the first two /16s and 198.18.0.0/16 are flooded from; the rest make the list long.
 */
export function denyList(): string[] {
  const entries = ['127.200.0.0/16', '127.201.0.0/16', '198.18.0.0/16'];
  for (let i = 0; i < 300; i++) {
    const second = 202 + (i % 48);
    const third = (i * 7) % 256;
    entries.push(
      i % 3 === 0
        ? `127.${second}.${third}.0/24`
        : i % 3 === 1
          ? `127.${second}.${third}.16/28`
          : `198.19.${third}.${i % 256}`,
    );
  }
  return entries;
}

interface ClientTask {
  httpPort: number;
  /** Source addresses to bind, each sending `perAddress` requests on one keep-alive connection. */
  allowed: string[];
  denied: string[];
  /** Addresses named in X-Forwarded-For by the trusted proxy (127.0.0.1), one request each. */
  forwardedAllowed: string[];
  forwardedDenied: string[];
  perAddress: number;
  concurrency: number;
  /** One more address that sends this many requests back to back: over its bucket's burst. */
  hammer: { address: string; requests: number };
}

interface ClientResult {
  /** status -> count, per group. */
  allowed: Record<string, number>;
  denied: Record<string, number>;
  forwardedAllowed: Record<string, number>;
  forwardedDenied: Record<string, number>;
  hammer: Record<string, number>;
  errors: Record<string, number>;
  requests: number;
  seconds: number;
}

// ---------------------------------------------------------------------------
// The flood (child process)

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

const BODY = JSON.stringify({ action: 'account_weight', account: ACCOUNT });

function send(agent: http.Agent, port: number, localAddress: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        method: 'POST',
        agent,
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', fail);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end(BODY);
  });
}

async function runClient(task: ClientTask): Promise<ClientResult> {
  const result: ClientResult = {
    allowed: {},
    denied: {},
    forwardedAllowed: {},
    forwardedDenied: {},
    hammer: {},
    errors: {},
    requests: 0,
    seconds: 0,
  };
  const jobs: Array<() => Promise<void>> = [];
  const fromAddress = (address: string, counts: Record<string, number>) => async (): Promise<void> => {
    const agent = keepAliveAgent(1);
    try {
      for (let i = 0; i < task.perAddress; i++) {
        result.requests++;
        try {
          bump(counts, String(await send(agent, task.httpPort, address, {})));
        } catch (error) {
          bump(result.errors, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
        }
      }
    } finally {
      agent.destroy();
    }
  };
  const proxy = keepAliveAgent(task.concurrency);
  const forwarded = (address: string, counts: Record<string, number>) => async (): Promise<void> => {
    result.requests++;
    try {
      bump(counts, String(await send(proxy, task.httpPort, '127.0.0.1', { 'x-forwarded-for': address })));
    } catch (error) {
      bump(result.errors, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
  };
  // Interleaved, so that denied and allowed, direct and forwarded arrive together.
  const longest = Math.max(task.allowed.length, task.denied.length, task.forwardedAllowed.length);
  for (let i = 0; i < longest; i++) {
    if (i < task.allowed.length) jobs.push(fromAddress(task.allowed[i], result.allowed));
    if (i < task.denied.length) jobs.push(fromAddress(task.denied[i], result.denied));
    if (i < task.forwardedAllowed.length) jobs.push(forwarded(task.forwardedAllowed[i], result.forwardedAllowed));
    if (i < task.forwardedDenied.length) jobs.push(forwarded(task.forwardedDenied[i], result.forwardedDenied));
  }
  const started = Date.now();
  const hammerAgent = keepAliveAgent(8);
  let hammered = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (hammered < task.hammer.requests) {
        hammered++;
        result.requests++;
        try {
          bump(result.hammer, String(await send(hammerAgent, task.httpPort, task.hammer.address, {})));
        } catch (error) {
          bump(result.errors, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
        }
      }
    }),
  );
  hammerAgent.destroy();
  let next = 0;
  await Promise.all(
    Array.from({ length: task.concurrency }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
  proxy.destroy();
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

// ---------------------------------------------------------------------------
// The phase (harness side)

export type AddressFloodOptions = OwnServerPhaseOptions;

export type AddressFloodResult = OwnServerPhaseResult;

function getText(url: string): Promise<string> {
  return new Promise((done, fail) => {
    const req = http.get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(text));
    });
    req.setTimeout(5000, () => req.destroy(new Error('no /metrics answer within 5 s')));
    req.on('error', fail);
  });
}

/** Sums every sample of a metric whose name and labels match (NaN when none). */
function metricSum(text: string, pattern: RegExp): number {
  let sum = NaN;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (space === -1 || !pattern.test(line.slice(0, space))) continue;
    sum = (Number.isNaN(sum) ? 0 : sum) + Number(line.slice(space + 1));
  }
  return sum;
}

/** `count` distinct addresses in `second`.x.y (x from 0, y from 1), as text. */
function addresses(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}

function describe(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort();
  return entries.length === 0 ? 'none' : entries.map(([status, n]) => `${n} × ${status}`).join(', ');
}

function only(counts: Record<string, number>, statuses: string[]): boolean {
  return Object.keys(counts).every((status) => statuses.includes(status));
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

export async function addressFlood(options: AddressFloodOptions): Promise<AddressFloodResult> {
  const credentials = makeCredentials(6);
  const initialText = ReloadDriver.initialText(credentials, prng(20261127));
  const deny = denyList();
  const server = await startPhaseServer(
    'addresses',
    initialText,
    [
      'max_request_size = 65536',
      'max_connections = 2048',
      '',
      '[client_addresses]',
      `deny = [${deny.map((d) => JSON.stringify(d)).join(', ')}]`,
      'trust_proxy = ["127.0.0.1"]',
      '',
      // By-address buckets for the default user and unknown keys, far fewer than the flood's
      // addresses: the table must stay at max_buckets (least recently used forgotten). The rate is
      // above what the steady load sends per user or from 127.0.0.1, below what the hammer sends.
      '[rate_limit]',
      'enable = true',
      `max_buckets = ${MAX_BUCKETS}`,
      '',
      '[rate_limit.default]',
      'rate = 100',
      'burst = 200',
    ],
    options,
  );
  const metricsUrl = `${server.httpUrl}/metrics`;
  const { load, baseline, rssSamples, rssBefore } = await startPhaseLoad(
    server,
    initialText,
    // Known users only: the default user and unknown keys from 127.0.0.1 would share one
    // address bucket with each other, which is the limit working, not a failure of the load.
    credentials.users,
    '9 addresses: baseline',
    options,
  );
  const sampleFor = (ms: number): Promise<void> => sampleRssFor(server, rssSamples, ms);

  // Direct addresses: 127.1.0.0/16 served, 127.200.0.0/16 denied; forwarded: 203.0.113.0/24 and
  // beyond served, 198.18.0.0/16 denied.
  const direct = options.short ? 1000 : 4000;
  const forwardedCount = options.short ? 2000 : 10_000;
  const task: ClientTask = {
    httpPort: server.httpPort,
    allowed: addresses('127.1', direct),
    denied: addresses('127.200', direct),
    forwardedAllowed: addresses('100.64', forwardedCount),
    forwardedDenied: addresses('198.18', forwardedCount),
    perAddress: 3,
    concurrency: 64,
    hammer: { address: '127.2.0.1', requests: 1000 },
  };
  const flooded = load.phase('9 addresses: flood');
  // The task goes through a file: its address lists (hundreds of KB in a full run) pass the
  // kernel's limit on one argument (MAX_ARG_STRLEN, 128 KiB: spawn E2BIG).
  const taskDir = mkdtempSync(join(tmpdir(), 'nano-access-flood-'));
  const taskFile = join(taskDir, 'task.json');
  writeFileSync(taskFile, JSON.stringify(task));
  const client = startClient<ClientResult>(__filename, taskFile, options.track);
  let running = true;
  let metricsFailures = 0;
  const sampler = (async () => {
    while (running) {
      rssSamples.push(server.rssKiB());
      await sleep(250);
    }
  })();
  await client.exited;
  rmSync(taskDir, { recursive: true, force: true });
  running = false;
  await sampler;
  const rssDuring = [...rssSamples];
  rssSamples.length = 0;
  const result = client.result('address flood client');

  const after = load.phase('9 addresses: after');
  await sampleFor(options.short ? 3000 : 6000);
  const rssAfter = percentile(rssSamples.splice(0), 50);
  let metrics = '';
  try {
    metrics = await getText(metricsUrl);
  } catch {
    metricsFailures += 1;
  }
  await load.stop();
  const alive = server.alive;
  const exit = await server.stop();

  const buckets = metricSum(metrics, /^nano_access_rate_limit_buckets\{table="address"\}/);
  const evicted = metricSum(metrics, /^nano_access_rate_limit_evictions_total\{.*table="address"/);
  const deniedCounted = metricSum(metrics, /^nano_access_gateway_requests_total\{.*outcome="address_denied"/);
  const rssPeak = Math.max(...rssDuring.filter(Number.isFinite));
  const growthMiB = (rssPeak - rssBefore) / 1024;
  const distinct =
    task.allowed.length + task.denied.length + task.forwardedAllowed.length + task.forwardedDenied.length;
  const expectedDenied = task.denied.length * task.perAddress + task.forwardedDenied.length;
  const deniedAll = result.denied['403'] === task.denied.length * task.perAddress && only(result.denied, ['403']);
  const forwardedDeniedAll =
    result.forwardedDenied['403'] === task.forwardedDenied.length && only(result.forwardedDenied, ['403']);
  // Served addresses get the action's answer, or a rate limit's 429 where one is configured.
  const servedOk = only(result.allowed, ['200', '429']) && only(result.forwardedAllowed, ['200', '429']);
  const servedAll =
    total(result.allowed) === task.allowed.length * task.perAddress &&
    total(result.forwardedAllowed) === task.forwardedAllowed.length;
  const loadFailures = flooded.errors + after.errors;

  const musts: Must[] = [
    {
      name: '9 denied addresses: 403, all of them',
      pass: deniedAll && forwardedDeniedAll && deniedCounted === expectedDenied,
      detail: `direct ${describe(result.denied)}; through the trusted proxy ${describe(result.forwardedDenied)}; counted address_denied ${deniedCounted} of ${expectedDenied}`,
    },
    {
      name: '9 other addresses answered',
      pass: servedOk && servedAll && Object.keys(result.errors).length === 0,
      detail: `direct ${describe(result.allowed)}; through the trusted proxy ${describe(result.forwardedAllowed)}; client errors ${describe(result.errors)}`,
    },
    {
      name: '9 legitimate load served throughout',
      pass:
        alive && loadFailures === 0 && flooded.requests > 0 && flooded.wrongDecisions === 0 && metricsFailures === 0,
      detail: `${flooded.requests} requests during the flood (${flooded.errors} failed, ${flooded.wrongDecisions} wrong, p99 ${percentile(flooded.latenciesMs, 99).toFixed(1)} ms); ${after.requests} after (${after.errors} failed)`,
    },
    {
      name: '9 rate limit: the bucket table stays at max_buckets; a hammering address gets 429',
      pass: buckets <= MAX_BUCKETS && (result.hammer['429'] ?? 0) > 0 && only(result.hammer, ['200', '429']),
      detail: `address buckets ${buckets} (max_buckets ${MAX_BUCKETS}; ${evicted} forgotten) after ${task.allowed.length + task.forwardedAllowed.length + 1} served addresses; ${task.hammer.requests} back to back from one address: ${describe(result.hammer)}`,
    },
    {
      name: '9 memory bounded',
      pass: growthMiB <= RSS_BOUND_MIB && exit !== null && exit.code === 0,
      detail: `${distinct} distinct client addresses; RSS peak +${growthMiB.toFixed(1)} MiB over the median before (bound ${RSS_BOUND_MIB} MiB); server exit ${exit?.code ?? exit?.signal}`,
    },
  ];
  const lines: Array<[string, string]> = [
    [
      'lists',
      `deny: ${deny.length} entries (3 /16s, 100 /24s, 100 /28s, 100 /32s); trust_proxy 127.0.0.1; [rate_limit.default] 100/s, burst 200, max_buckets ${MAX_BUCKETS}`,
    ],
    [
      'flood',
      `${result.requests} requests in ${result.seconds.toFixed(1)} s (${Math.round(result.requests / Math.max(0.001, result.seconds))}/s, ${task.concurrency} at once): ${task.allowed.length} + ${task.denied.length} bound addresses × ${task.perAddress} (keep-alive), ${task.forwardedAllowed.length} + ${task.forwardedDenied.length} named by X-Forwarded-For`,
    ],
    [
      'answers',
      `allowed ${describe(result.allowed)} / ${describe(result.forwardedAllowed)}; denied ${describe(result.denied)} / ${describe(result.forwardedDenied)}`,
    ],
    [
      'RSS',
      `median ${(rssBefore / 1024).toFixed(1)} MiB before, peak ${(rssPeak / 1024).toFixed(1)} MiB during (+${growthMiB.toFixed(1)} MiB), median ${(rssAfter / 1024).toFixed(1)} MiB after`,
    ],
    [
      'load',
      `baseline ${baseline.requests} requests; during ${flooded.requests} (${flooded.errors} failed, p99 ${percentile(flooded.latenciesMs, 99).toFixed(1)} ms); after ${after.requests}`,
    ],
    ...[...flooded.errorSamples, ...after.errorSamples].map(([message, n]): [string, string] => [
      'load error',
      `${n} × ${message}`,
    ]),
  ];
  return { musts, lines, load: [baseline, flooded, after], offered: load.offeredRate };
}

// ---------------------------------------------------------------------------
// Entry points: the phase alone, or the flood client.

if (require.main === module)
  ownServerPhaseMain(
    {
      name: 'address flood client',
      run: (taskFile) => runClient(JSON.parse(readFileSync(taskFile, 'utf8')) as ClientTask),
    },
    addressFlood,
    { title: 'phase 9 (a flood from many client addresses)', section: 'client addresses (gateway)' },
  );
