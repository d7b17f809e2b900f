/**
 * The HTTP load generator of the servers' benches (bench/gateway.ts, bench/forward.ts): wrk when it
 * is on the PATH (Debian's `wrk`), autocannon otherwise, or as BENCH_LOADGEN says.
 *
 * Why wrk first: on this 2-vCPU machine the load generator shares the cores with the servers it
 * measures. autocannon is JavaScript, and parsing every answer in V8 costs it several times the CPU
 * that wrk's C loop does; the slower it turns an answer into the next request, the more often a
 * server sleeps between requests and pays the wake-up, and it pays more the slower the server is
 * (docs/performance.md, the gateway's seventh pass). A lighter generator is nearer to production,
 * where clients run on other machines. Both are kept: BENCH_LOADGEN=autocannon gives the earlier
 * passes' method, and a fixed request rate (BENCH_RATE in bench/forward.ts) needs autocannon.
 *
 * The body may hold `[<id>]`, replaced by a new id in every request (autocannon's idReplacement;
 * with wrk, a Lua `request()` that numbers them), so that each request names another account.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type LoadGenerator = 'wrk' | 'autocannon';

export interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  /** How long the run lasts, in seconds; wrk counts whole seconds, so it runs at least one. */
  seconds: number;
  /** Replace `[<id>]` in the body with a new id in every request. */
  uniqueIds?: boolean;
  /** A fixed rate, requests a second in all (autocannon's overallRate): wrk has none, so autocannon runs. */
  rate?: number;
}

export interface LoadResult {
  rps: number;
  requests: number;
  /** Latency of the answers at 50 % and 99 %, in ms to the µs. */
  p50: number;
  p99: number;
  /** Connection errors, timeouts and answers outside 2xx/3xx. */
  errors: number;
  non2xx: number;
}

let chosen: LoadGenerator | undefined;

/** The generator this run uses: BENCH_LOADGEN, else wrk when it runs, else autocannon. */
export function loadGenerator(): LoadGenerator {
  if (chosen !== undefined) return chosen;
  const asked = process.env.BENCH_LOADGEN;
  if (asked === 'wrk' || asked === 'autocannon') chosen = asked;
  else if (asked !== undefined) throw new Error(`BENCH_LOADGEN must be wrk or autocannon, not ${asked}`);
  else chosen = wrkRuns() ? 'wrk' : 'autocannon';
  return chosen;
}

/** A phrase for a bench's header: which generator, and why when it is not the first choice. */
export function loadGeneratorNote(): string {
  const generator = loadGenerator();
  if (generator === 'wrk') return 'load from wrk (1 thread)';
  return process.env.BENCH_LOADGEN === 'autocannon'
    ? 'load from autocannon (BENCH_LOADGEN)'
    : 'load from autocannon (wrk is not installed: `apt-get install wrk` for the lighter generator)';
}

function wrkRuns(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its usage and exits 1; only a missing binary is "not there".
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** One run of POST requests against `options.url`, with the chosen generator. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return loadGenerator() === 'wrk' && options.rate === undefined ? runWrk(options) : runAutocannon(options);
}

type AutocannonRun = PromiseLike<{ requests: { average: number; total: number }; errors: number; non2xx: number }> & {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonRun;
  const running = autocannon({
    url: options.url,
    method: 'POST',
    body: options.body,
    idReplacement: options.uniqueIds === true,
    headers: options.headers,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
  });
  // autocannon's own percentiles come from a histogram of whole milliseconds: at 1–4 ms a ratio
  // of two p99s could not tell 1.2× apart. Each answer's latency is kept instead.
  const latencies: number[] = [];
  running.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await running;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, at)] * 1000) / 1000;
}

/** The Lua script wrk runs: the request (numbered ids when asked) and one JSON line at the end. */
function wrkScript(options: LoadOptions): string {
  const headers = Object.entries(options.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  const request =
    options.uniqueIds === true
      ? [
          'local counter = 0',
          `local template = ${luaString(options.body)}`,
          'request = function()',
          '  counter = counter + 1',
          // A fixed width, so every request has the same length (autocannon's ids are 33 characters too).
          '  local body = template:gsub("%[<id>%]", string.format("%033d", counter))',
          '  return wrk.format(nil, nil, nil, body)',
          'end',
        ].join('\n')
      : `wrk.body = ${luaString(options.body)}`;
  return [
    'wrk.method = "POST"',
    headers,
    request,
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'\\n{"wrk":1,"requests":%d,"duration":%d,"p50":%d,"p99":%d,"errors":%d,"status":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),',
    '    e.connect + e.read + e.write + e.timeout, e.status))',
    'end',
    '',
  ].join('\n');
}

/** A Lua string literal: the text's bytes, every one outside printable ASCII (and quote, backslash) escaped. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'na-wrk-'));
  try {
    const script = join(dir, 'load.lua');
    writeFileSync(script, wrkScript(options));
    const seconds = Math.max(1, Math.round(options.seconds));
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        'wrk',
        ['-t1', `-c${options.connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, options.url],
        { maxBuffer: 1 << 20 },
        (error, stdout, stderr) => (error ? reject(new Error(`wrk: ${error.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const line = output.split('\n').find((text) => text.startsWith('{"wrk":1'));
    if (line === undefined) throw new Error(`wrk printed no summary:\n${output}`);
    const r = JSON.parse(line) as {
      requests: number;
      duration: number;
      p50: number;
      p99: number;
      errors: number;
      status: number;
    };
    return {
      rps: r.requests / (r.duration / 1e6),
      requests: r.requests,
      p50: r.p50 / 1000,
      p99: r.p99 / 1000,
      errors: r.errors,
      non2xx: r.status,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
