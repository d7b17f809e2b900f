/**
 * Instructions per request of a server process under valgrind's callgrind, with instrumentation
 * switched on only around the counted requests (the server started with `--instr-atstart=no`).
 * Instruction counts bend far less than req/s or CPU time on a shared machine: the figure to steer
 * by when two builds differ by a few per cent. Used by bench/_gateway-cost.ts and
 * bench/_ipc-instructions.ts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * valgrind's arguments to run `node nodeArgs…` under callgrind, counting nothing until asked. Under
 * valgrind V8's background compiler threads barely run, and a server left in its baseline tier
 * counts compiles and IC misses, not its steady state: it optimizes on the main thread instead.
 */
export function callgrindArgs(outFile: string, logFile: string, nodeArgs: string[]): string[] {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    ...(process.env.BENCH_VALGRIND_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
    `--log-file=${logFile}`,
    `--callgrind-out-file=${outFile}.%p`,
    process.execPath,
    '--no-concurrent-recompilation',
    ...nodeArgs,
  ];
}

/** valgrind's own pid is the child's: callgrind_control addresses it. */
function control(pid: number, ...args: string[]): void {
  execFileSync('callgrind_control', [...args, String(pid)], { stdio: 'ignore' });
}

function dumps(outFile: string): string[] {
  const dir = dirname(outFile);
  const base = outFile.slice(dir.length + 1);
  return readdirSync(dir)
    .filter((name) => name.startsWith(base))
    .map((name) => join(dir, name));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Instructions per request over `requests` requests that `run` makes, counted in the process `pid`
 * (started with callgrindArgs(outFile, …)): `main`, its main thread (the request path); `all`,
 * every thread (V8's compiler and GC helpers too, which a warm server still runs now and then).
 */
export async function countInstructions(
  pid: number,
  outFile: string,
  requests: number,
  run: () => Promise<void>,
): Promise<{ main: number; all: number }> {
  control(pid, '--zero');
  control(pid, '--instr=on');
  await run();
  control(pid, '--instr=off');
  const before = dumps(outFile);
  control(pid, '--dump');
  let after = dumps(outFile);
  for (let i = 0; i < 100 && after.length === before.length; i++) {
    await sleep(100);
    after = dumps(outFile);
  }
  // Every thread's file is written in turn: wait until no new one appears.
  for (let stable = 0; stable < 5;) {
    await sleep(200);
    const now = dumps(outFile);
    stable = now.length === after.length ? stable + 1 : 0;
    after = now;
  }
  let main = 0;
  let all = 0;
  for (const file of after.filter((name) => !before.includes(name))) {
    const totals = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'));
    const count = Number(totals?.[1] ?? Number.NaN);
    all += count;
    if (file.endsWith('-01')) main = count;
  }
  return { main: main / requests, all: all / requests };
}
