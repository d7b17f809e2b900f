// Preload for a server under a bench: counts its garbage collections by kind and sums their pause
// times (a PerformanceObserver on `gc` entries: wall time, so a loaded machine inflates it alike
// in every row), written with the process's CPU time to $TMPDIR/gc-<pid>.json when it exits.
//
//   BENCH_ROWS=3,6 BENCH_SERVE_NODE_ARGS="-r ./bench/_gc-pauses.cjs" \
//     BENCH_COMPARE_NODE_ARGS="-r ./bench/_gc-pauses.cjs --max-semi-space-size=2" npx tsx bench/forward.ts
'use strict';
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

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
  const file = join(tmpdir(), `gc-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ execArgv: process.execArgv, totals, cpuMs: (cpu.user + cpu.system) / 1000 }));
});
