/**
 * The cost of one log_rpc line: CPU time per line (process.cpuUsage, so the thread-pool writes
 * count too) of the gateway's line writer (`rpcLineJson` for the fields, `jsonLineWriter` for the
 * line) through the servers' asynchronous destination (`createLogger({ destination: fd })`) into
 * a file, in bursts of 16 lines per event-loop turn, as 16 connections' requests end in one turn.
 * Beside it: the same line through the generic `lineWriter` (a fields object and JSON.stringify,
 * what the gateway used before 2026-12-07), and the floor: the gateway's lines built and handed to
 * a stream that discards them (the line's own serialisation).
 * Medians of 5 rounds; CPU time, not wall time, because the machine is shared.
 *
 *   npx tsc -b && npx tsx bench/log-line.ts      (or npm run bench -- log-line)
 *
 * A second table paces the lines, one per millisecond, as a server logging each request does:
 * there each write is over before the next line comes, and its own cost shows. Its rows run in
 * turn within each round: the servers' destination (writes gathered per LOG_COALESCE_MS window),
 * the same with a write per line (as before 2026-12-06), and the floor.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { rpcLineJson, type RpcOutcome } from '@nano-access/gateway';
import type { DecisionRecord } from '@nano-access/protocol';
import { createLogger, jsonLineWriter, lineWriter, type LineWriter } from '@nano-access/reloader';

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const ROUNDS = 5;
const BURST = 16;
/**
 * The paced table: a line per PACED_GAP_MS, as a server logs a line per request at a steady rate:
 * each write is done before the next line comes, so nothing gathers behind a write in flight
 * and what a write costs by itself (its round trip through libuv's thread pool) shows.
 */
const PACED_LINES = Number(process.env.BENCH_PACED_LINES ?? 4_000);
const PACED_GAP_MS = 1;

/** A log_rpc line as the gateway writes it for an allowed legacy request. */
function fields(i: number): Record<string, string | number> {
  return {
    api: 'legacy',
    name: 'account_balance',
    outcome: 'ok',
    status: 200,
    ms: Math.round(((i % 997) / 7) * 1e3) / 1e3,
    remote: '127.0.0.1',
    caller: 'user #1 (…9b8d)',
    permission: 'api_account_balance',
  };
}

const OUTCOME: RpcOutcome = { api: 'legacy', name: 'account_balance', outcome: 'ok', status: 200 };
const DECISION: DecisionRecord = { caller: 'user #1 (…9b8d)', permission: 'api_account_balance' };

/**
 * The gateway's writer as a LineWriter: the line of fields(i) as the gateway writes it (`call`, not
 * `name`; the decision's caller and permission), its fields written by
 * rpcLineJson (request-handler.ts's finish() calls the two the same way).
 */
function gatewayWriter(logger: Parameters<typeof jsonLineWriter>[0]): LineWriter {
  const write = jsonLineWriter(logger, 'rpc')!;
  return (line) => write(rpcLineJson(OUTCOME, Number(line.ms) / 1e3, String(line.remote), undefined, DECISION));
}

/** CPU µs per line for `count` lines written BURST per turn; resolves once the destination has flushed. */
function round(write: LineWriter, flush: (done: () => void) => void, count: number): Promise<number> {
  return new Promise((resolve) => {
    let i = 0;
    const start = process.cpuUsage();
    const turn = (): void => {
      for (let k = 0; k < BURST && i < count; k++, i++) write(fields(i), 'rpc');
      if (i < count) setImmediate(turn);
      else
        flush(() => {
          const used = process.cpuUsage(start);
          resolve((used.user + used.system) / count);
        });
    };
    turn();
  });
}

/** CPU µs per line for `count` lines written one per PACED_GAP_MS; resolves once the destination has flushed. */
function pacedRound(write: LineWriter, flush: (done: () => void) => void, count: number): Promise<number> {
  return new Promise((resolve) => {
    let i = 0;
    const start = process.cpuUsage();
    const next = (): void => {
      write(fields(i), 'rpc');
      i += 1;
      if (i < count) setTimeout(next, PACED_GAP_MS);
      else
        flush(() => {
          const used = process.cpuUsage(start);
          resolve((used.user + used.system) / count);
        });
    };
    next();
  });
}

type Flush = (done: () => void) => void;

/** Paced rounds of every writer in turn within each round (the machine's load falls on all alike); sorted figures per writer. */
async function measurePaced(writers: ReadonlyArray<[LineWriter, Flush]>): Promise<number[][]> {
  for (const [write, flush] of writers) await pacedRound(write, flush, PACED_LINES / 4);
  const figures = writers.map((): number[] => []);
  for (let r = 0; r < ROUNDS; r++)
    for (let w = 0; w < writers.length; w++) figures[w].push(await pacedRound(...writers[w], PACED_LINES));
  return figures.map((xs) => xs.sort((a, b) => a - b));
}

async function measure(write: LineWriter, flush: (done: () => void) => void): Promise<number[]> {
  await round(write, flush, LINES / 4); // warm the JIT
  const figures: number[] = [];
  for (let r = 0; r < ROUNDS; r++) figures.push(await round(write, flush, LINES));
  return figures.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'na-bench-log-'));
  const file = join(dir, 'rpc.log');
  const fd = openSync(file, 'w');
  try {
    const env = { NANO_ACCESS_LOG_FORMAT: 'json' };
    const logger = createLogger({ destination: fd, env, level: 'info' });
    const flushFile = (done: () => void): void => logger.flush(() => done());
    const toFile = await measure(gatewayWriter(logger), flushFile);
    const genericToFile = await measure(lineWriter(logger)!, flushFile);
    const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
    const floorLogger = createLogger({ destination: discard, env, level: 'info' });
    const floor = await measure(gatewayWriter(floorLogger), (done) => setImmediate(done));
    // What the servers' destination was before its writes were gathered (2026-12-06): sonic-boom
    // with minLength 0, a write as soon as none is in flight; at a steady pace, a write per line.
    const perLineFd = openSync(join(dir, 'per-line.log'), 'w');
    const perLine = pino.destination({ dest: perLineFd, sync: false, minLength: 0, contentMode: 'buffer' });
    const writeBytes = perLine.write.bind(perLine) as unknown as (bytes: Buffer) => boolean;
    perLine.write = (line: string | Buffer): boolean => writeBytes(Buffer.from(line));
    const perLineLogger = createLogger({ destination: perLine, env, level: 'info' });
    const [pacedToFile, pacedPerLine, pacedFloor] = await measurePaced([
      [gatewayWriter(logger), flushFile],
      [gatewayWriter(perLineLogger), (done) => perLine.flush(() => done())],
      [gatewayWriter(floorLogger), (done) => setImmediate(done)],
    ]);
    closeSync(perLineFd);
    const row = (name: string, xs: number[]): string =>
      `| ${name} | ${xs[2].toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(', ')} |`;
    process.stdout.write(
      `\nlog_rpc line cost (${LINES} lines per round in bursts of ${BURST} per turn, ${ROUNDS} rounds, Node ${process.version}; ${(statSync(file).size / 1048576).toFixed(0)} MiB written)\n\n`,
    );
    process.stdout.write('| writer | CPU µs per line (median) | all rounds |\n|---|---:|---|\n');
    process.stdout.write(`${row("the gateway's writer → the servers' asynchronous destination → a file", toFile)}\n`);
    process.stdout.write(
      `${row('the generic lineWriter (fields object, JSON.stringify) → the same file', genericToFile)}\n`,
    );
    process.stdout.write(`${row("floor: the gateway's writer → a stream that discards", floor)}\n`);
    process.stdout.write(
      `\nPaced: a line every ${PACED_GAP_MS} ms (${PACED_LINES} lines per round, ${ROUNDS} rounds; the timer's own wake-up is in both rows, so the difference is the write)\n\n`,
    );
    process.stdout.write('| writer | CPU µs per line (median) | all rounds |\n|---|---:|---|\n');
    process.stdout.write(
      `${row("the gateway's writer → the servers' asynchronous destination → a file", pacedToFile)}\n`,
    );
    process.stdout.write(
      `${row('the same, a write per line (minLength 0: the destination before 2026-12-06)', pacedPerLine)}\n`,
    );
    process.stdout.write(`${row("floor: the gateway's writer → a stream that discards", pacedFloor)}\n`);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
