/**
 * The cost of one log_rpc line: CPU time per line (process.cpuUsage, so the thread-pool writes
 * count too) of the gateway's line writer (`lineWriter`) through the servers' asynchronous
 * destination (`createLogger({ destination: fd })`) into a file, in bursts of 16 lines per
 * event-loop turn, as 16 connections' requests end in one turn. Beside it, the floor: the same
 * lines built and handed to a stream that discards them (the line's own serialisation).
 * Medians of 5 rounds; CPU time, not wall time, because the machine is shared.
 *
 *   npx tsc -b && npx tsx bench/log-line.ts      (or npm run bench -- log-line)
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, lineWriter, type LineWriter } from '@nano-access/reloader';

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const ROUNDS = 5;
const BURST = 16;

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
    const toFile = await measure(lineWriter(logger)!, (done) => logger.flush(() => done()));
    const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
    const floorLogger = createLogger({ destination: discard, env, level: 'info' });
    const floor = await measure(lineWriter(floorLogger)!, (done) => setImmediate(done));
    const row = (name: string, xs: number[]): string =>
      `| ${name} | ${xs[2].toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(', ')} |`;
    process.stdout.write(
      `\nlog_rpc line cost (${LINES} lines per round in bursts of ${BURST} per turn, ${ROUNDS} rounds, Node ${process.version}; ${(statSync(file).size / 1048576).toFixed(0)} MiB written)\n\n`,
    );
    process.stdout.write('| writer | CPU µs per line (median) | all rounds |\n|---|---:|---|\n');
    process.stdout.write(`${row("lineWriter → the servers' asynchronous destination → a file", toFile)}\n`);
    process.stdout.write(`${row('floor: lineWriter → a stream that discards', floor)}\n`);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
