/**
 * Where parse + compile of a 1,000,000-user access file spend their time, phase by phase, beside
 * the physical floor (read the same bytes and build one Map of the ids), and the longest
 * event-loop stall while the policy is loaded on the main thread (perf_hooks'
 * monitorEventLoopDelay, 10 ms resolution, a timer ticking beside it as a server's would).
 * Times are CPU time of this process (process.cpuUsage: stable on a shared machine); wall beside.
 *
 *   npm run build && node --expose-gc --import tsx bench/million.ts [users]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --expose-gc --import tsx bench/million.ts   (a profile)
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseAccessFile } from '@nano-access/parser';
import { compile, loadPolicy, nanoCatalog } from '@nano-access/resolver';
import { PolicyStore } from '@nano-access/reloader';
import { readSections } from '../packages/parser/src/read-access-document';
import { readPlainFile } from '../packages/parser/src/read-plain-file';
import { scanPositions } from '../packages/parser/src/scan-positions';
import { collectGarbage, generateAccessFile } from './_access-policy-gen';

const USERS = Number(process.argv[2] ?? 1_000_000);

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
}

interface Phase {
  name: string;
  cpu: number;
  wall: number;
}
const phases: Phase[] = [];

function phase<T>(name: string, body: () => T): T {
  collectGarbage();
  const cpu = cpuMs();
  const wall = performance.now();
  const result = body();
  phases.push({ name, cpu: cpuMs() - cpu, wall: performance.now() - wall });
  return result;
}

/** The floor: every user id, found by its `id = "` prefix, as a flat string in one Map. */
function idMap(text: string): Map<string, number> {
  const ids = new Map<string, number>();
  const marker = '\nid = "';
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + 1)) {
    const start = at + marker.length;
    const id = text.slice(start, text.indexOf('"', start));
    ids.set(id, ids.size);
  }
  return ids;
}

/**
 * Each phase alone, in a function of its own: the text, model and policies it makes are garbage
 * when it returns, so the reloads measured after it see a heap like a server's (the old policy).
 * Returns the file's size in millions of characters.
 */
function measurePhases(file: string): number {
  const floor = phase('floor: read the bytes + one Map of the ids', () => idMap(readFileSync(file, 'utf8')));
  if (floor.size < USERS) throw new Error(`floor found ${floor.size} ids`);
  const text = phase('read (readFileSync, utf8)', () => readFileSync(file, 'utf8'));
  const map = phase('position scanner (scanPositions)', () => scanPositions(text));
  phase('section reader alone (readSections: plain-section values, no model)', () =>
    readSections(text, map.headers, { root: () => undefined, entry: () => undefined }),
  );
  phase('plain-file reader alone (readPlainFile: columns + the Map of ids)', () => readPlainFile(text));
  const parsed = phase('parseAccessFile (plain-file reader; else scanner + sections + schema + model)', () =>
    parseAccessFile(text),
  );
  if (parsed.model?.userColumns === undefined) throw new Error('the plain-file reader declined the generated file');
  const compiled = phase('compile (resolution, interning, credentials Map)', () => compile(parsed.model!, nanoCatalog));
  if (compiled.policy === null) throw new Error('the generated file did not compile');
  // Not part of parse + compile: what the first reader of model.users pays (the linter, a server's inspect hook).
  phase(
    'model.users built from the columns on first use (linter rules, inspect hook)',
    () => parsed.model!.users.length,
  );

  return text.length / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'na-million-'));
  const file = join(dir, 'config-access.toml');
  try {
    // Warm the catalog's compiled form and the JIT: one-time costs, not per-user ones.
    compile(parseAccessFile(generateAccessFile(nanoCatalog, 1000, 100, 1).text).model!, nanoCatalog);
    writeFileSync(file, generateAccessFile(nanoCatalog, USERS, 100, USERS).text);

    const megabytes = measurePhases(file);

    // The reload stall: loadPolicy on the main thread while a timer ticks every 5 ms.
    collectGarbage();
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const ticker = setInterval(() => undefined, 5);
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        loadPolicy(readFileSync(file, 'utf8'));
        resolve();
      }),
    );
    const reloadWall = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
    histogram.disable();
    clearInterval(ticker);

    // The same reload through a PolicyStore: files of offThreadBytes (4 MiB) or more are read,
    // parsed and compiled in a worker; the main thread rebuilds the credentials Map a chunk per turn.
    const store = await PolicyStore.open(file, { watch: false });
    appendFileSync(file, '\n[[user]]\nid = "key-added-by-the-million-bench-0001"\nallow = "node_query"\n');
    collectGarbage();
    const storeHistogram = monitorEventLoopDelay({ resolution: 10 });
    const storeTicker = setInterval(() => undefined, 5);
    storeHistogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const storeStarted = performance.now();
    const storeCpu = process.cpuUsage();
    const reloaded = await store.reload('manual');
    const storeCpuMs = (process.cpuUsage(storeCpu).user + process.cpuUsage(storeCpu).system) / 1e3;
    const storeWall = performance.now() - storeStarted;
    await new Promise((resolve) => setTimeout(resolve, 100));
    storeHistogram.disable();
    clearInterval(storeTicker);
    await store.close();
    if (reloaded.outcome !== 'reloaded') throw new Error(`the store reload was ${reloaded.outcome}`);

    const out = process.stdout;
    out.write(
      `\n${USERS.toLocaleString('en')} users, ${megabytes.toFixed(1)} MB, node ${process.version}, ${os.cpus().length} cores\n\n`,
    );
    out.write('| phase | CPU ms | wall ms | vs floor (CPU) |\n|---|---:|---:|---:|\n');
    const floorCpu = phases[0].cpu;
    for (const p of phases)
      out.write(`| ${p.name} | ${p.cpu.toFixed(0)} | ${p.wall.toFixed(0)} | ${(p.cpu / floorCpu).toFixed(1)}× |\n`);
    const parse = phases.findIndex((p) => p.name.startsWith('parseAccessFile'));
    const total = phases[parse].cpu + phases[parse + 1].cpu;
    out.write(
      `| **parse + compile** | **${total.toFixed(0)}** | ${(phases[parse].wall + phases[parse + 1].wall).toFixed(0)} | ${(total / floorCpu).toFixed(1)}× |\n`,
    );
    out.write(
      `\nReload on the main thread (read + loadPolicy): ${reloadWall.toFixed(0)} ms wall; longest event-loop stall ${(histogram.max / 1e6).toFixed(0)} ms (target < 100 ms).\n`,
    );
    out.write(
      `PolicyStore reload (worker thread: read, parse, compile; chunked Map rebuild here): ${storeWall.toFixed(0)} ms wall, ${storeCpuMs.toFixed(0)} ms CPU of the process (both threads); longest event-loop stall ${(storeHistogram.max / 1e6).toFixed(0)} ms (target < 100 ms).\n`,
    );
    out.write(`Load average at the end: ${os.loadavg()[0].toFixed(1)}.\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
