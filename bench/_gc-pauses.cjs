// Preload for a server under a bench: counts its garbage collections by kind and sums their pause
// times (a PerformanceObserver on `gc` entries: wall time, so a loaded machine inflates it alike
// in every row), written with the process's CPU time to $TMPDIR/gc-<pid>.json when it exits, with
// the process's argv and its config-rpc.toml when it has one (which row it was: the binary, its
// --data directory and log_rpc; the bench removes the directory right after), the HTTP requests it
// served (counted through diagnostics_channel's http.server.request.start, which then builds a small
// message object per request, alike in every row) and the bytes its JavaScript heap allocated
// (v8.GCProfiler: the heap's used size at exit, minus at start, plus what every GC freed).
//
//   BENCH_ROWS=3,6 BENCH_SERVE_NODE_ARGS="-r ./bench/_gc-pauses.cjs" \
//     BENCH_COMPARE_NODE_ARGS="-r ./bench/_gc-pauses.cjs --max-semi-space-size=2" npx tsx bench/forward.ts
'use strict';
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { GCProfiler } = require('node:v8');
const diagnostics = require('node:diagnostics_channel');

const data = process.argv.indexOf('--data');
let rpcConfig;
try {
  rpcConfig = data > 0 ? readFileSync(join(process.argv[data + 1], 'config-rpc.toml'), 'utf8') : undefined;
} catch {
  rpcConfig = undefined;
}
let requests = 0;
diagnostics.subscribe('http.server.request.start', () => requests++);
const profiler = new GCProfiler();
profiler.start();
const usedAtStart = process.memoryUsage().heapUsed;

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const totals = {};
function add(entries) {
  for (const entry of entries) {
    const name = KINDS[entry.detail.kind] ?? 'other';
    const total = (totals[name] ??= { count: 0, ms: 0 });
    total.count++;
    total.ms += entry.duration;
  }
}
const observer = new PerformanceObserver((list) => add(list.getEntries()));
observer.observe({ entryTypes: ['gc'] });

process.on('exit', () => {
  add(observer.takeRecords()); // those not delivered yet
  const cpu = process.cpuUsage();
  const { statistics } = profiler.stop();
  let freed = 0;
  for (const gc of statistics)
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  const allocatedBytes = process.memoryUsage().heapUsed - usedAtStart + freed;
  const file = join(tmpdir(), `gc-${process.pid}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      execArgv: process.execArgv,
      argv: process.argv,
      rpcConfig,
      totals,
      cpuMs: (cpu.user + cpu.system) / 1000,
      requests,
      allocatedBytes,
    }),
  );
});
