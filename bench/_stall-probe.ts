/**
 * Probe: a PolicyStore worker reload of an N-user file, with a 1 ms ticker's gaps, GC events and
 * the time and CPU of each PolicyAssembler.addChunk() step on one clock; prints the longest gap
 * while the worker works and during the rebuild, and the largest steps' CPU (docs/performance.md,
 * "The stall at 1M users"). TIMELINE=1 prints every event.
 *
 *   npm run build && node --expose-gc --import tsx bench/_stall-probe.ts [users]
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { nanoCatalog, PolicyAssembler } from '@nano-access/resolver';
import { PolicyStore } from '@nano-access/reloader';
import { securityFindings } from '@nano-access/linter';
import { collectGarbage, generateAccessFile } from './_access-policy-gen';

const USERS = Number(process.argv[2] ?? 1_000_000);
const dir = join(os.tmpdir(), 'na-stall-probe');
mkdirSync(dir, { recursive: true });
/** The generated file is kept for the next run (1M users: ~20 s to generate, 99 MB). */
const src = join(dir, `users-${USERS}.toml`);
if (!existsSync(src)) writeFileSync(src, generateAccessFile(nanoCatalog, USERS, 100, USERS).text);
const file = join(dir, `run-${process.pid}.toml`);
copyFileSync(src, file);

type Ev = { t: number; what: string; ms: number };
const events: Ev[] = [];
const chunkMs: number[] = [];
/** CPU of the process during each step (the worker is idle by then: the main thread and GC helpers), ms. */
const chunkCpu: number[] = [];
const proto = PolicyAssembler.prototype as unknown as { addChunk: () => boolean };
const orig = proto.addChunk;
proto.addChunk = function (this: unknown) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = orig.call(this);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  chunkCpu.push((used.user + used.system) / 1e3);
  chunkMs.push(ms);
  if (ms > 5 || chunkMs.length === 1) events.push({ t, what: `step ${chunkMs.length - 1}`, ms });
  return r;
};
const finish = PolicyAssembler.prototype as unknown as { finish: () => unknown };
const origFinish = finish.finish;
finish.finish = function (this: unknown) {
  const t = performance.now();
  const r = origFinish.call(this);
  events.push({ t, what: 'finish', ms: performance.now() - t });
  return r;
};

const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    const name =
      { 1: 'scavenge', 2: 'minor-mc', 4: 'mark-compact', 8: 'incremental', 16: 'weakcb' }[kind ?? 0] ?? String(kind);
    events.push({ t: e.startTime, what: `gc ${name}`, ms: e.duration });
  }
});
obs.observe({ entryTypes: ['gc'] });

async function main() {
  // INSPECT=1: with the linter's security rules as the inspector, as `nano-access serve` opens its store.
  const inspect =
    process.env.INSPECT === '1'
      ? {
          inspect: securityFindings,
          inspectModule: { module: require.resolve('@nano-access/linter'), name: 'securityFindings' },
        }
      : {};
  const store = await PolicyStore.open(file, { watch: false, ...inspect });
  appendFileSync(file, '\n[[user]]\nid = "key-added-by-the-million-bench-0001"\nallow = "node_query"\n');
  collectGarbage();
  const h = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    if (now - last > 15) events.push({ t: last, what: 'GAP', ms: now - last });
    last = now;
  }, 1);
  h.enable();
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  events.push({ t: t0, what: 'reload start', ms: 0 });
  const res = await store.reload('manual');
  events.push({ t: performance.now(), what: 'reload done', ms: 0 });
  await new Promise((r) => setTimeout(r, 300));
  h.disable();
  clearInterval(tick);
  await store.close();
  if (res.outcome !== 'reloaded') throw new Error(res.outcome);
  events.sort((a, b) => a.t - b.t);
  const firstStep = events.find((e) => e.what.startsWith('step'))?.t ?? Infinity;
  const longest = (list: Ev[]): string => {
    const top = list.reduce<Ev | undefined>((a, e) => (a === undefined || e.ms > a.ms ? e : a), undefined);
    return top === undefined ? '-' : `${top.ms.toFixed(0)} ms (${top.what} at ${(top.t - t0).toFixed(0)})`;
  };
  const after = events.filter((e) => e.t >= t0);
  const worker = after.filter((e) => e.t < firstStep);
  const rebuild = after.filter((e) => e.t >= firstStep);
  if (process.env.TIMELINE === '1')
    for (const e of after) console.log(`${(e.t - t0).toFixed(1).padStart(8)}  ${e.what.padEnd(18)} ${e.ms.toFixed(1)}`);
  console.log(
    `while the worker works (${((firstStep - t0) / 1e3).toFixed(1)} s): longest gap ${longest(worker.filter((e) => e.what === 'GAP'))}, gc ${longest(worker.filter((e) => e.what.startsWith('gc')))}`,
  );
  console.log(
    `rebuild (${((events[events.length - 1].t - firstStep) / 1e3).toFixed(1)} s): longest gap ${longest(rebuild.filter((e) => e.what === 'GAP'))}, step ${longest(rebuild.filter((e) => e.what.startsWith('step')))}, gc ${longest(rebuild.filter((e) => e.what.startsWith('gc')))}`,
  );
  const cpuSorted = [...chunkCpu].sort((a, b) => a - b);
  const top = cpuSorted
    .slice(-3)
    .reverse()
    .map((ms) => `${ms.toFixed(0)} (#${chunkCpu.indexOf(ms)})`);
  console.log(
    `step CPU: median ${cpuSorted[cpuSorted.length >> 1].toFixed(1)} ms, largest ${top.join(', ')} ms, sum ${chunkCpu.reduce((a, b) => a + b, 0).toFixed(0)}`,
  );
}
void main().finally(() => rmSync(file, { force: true }));
