/**
 * The hot-path cost of a metric: a counter with three labels bumped and a latency histogram with
 * one label observed, as the gateway does once per request. @nano-access/metrics against
 * prom-client (the library Node services use: an object of labels per call, or a child looked up
 * with `labels()`), and a floor: the same work on a series already in hand (no lookup at all).
 * CPU ns per operation, median of alternating rounds; the machine is shared, so read the ratios.
 *
 *   npm run bench -- metrics        (METRICS_OPS=10000000 per round by default)
 */
import { Counter as OwnCounter, Histogram as OwnHistogram } from '@nano-access/metrics';
import * as prom from 'prom-client';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OPS = Number(process.env.METRICS_OPS ?? 10_000_000);
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

// A request mix as the gateway sees it: two APIs, a few dozen catalog names, four outcomes.
const APIS = ['v2', 'legacy'];
const NAMES = Array.from({ length: 32 }, (_, i) => `action_name_${i}`);
const OUTCOMES = ['ok', 'ok', 'ok', 'denied', 'ok', 'invalid', 'ok', 'error'];
const LATENCIES = Array.from({ length: 64 }, (_, i) => 0.0002 * (i + 1) ** 1.7);

type Case = { name: string; run: (n: number) => void };

function cpuNanos(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function counterCases(): Case[] {
  const own = new OwnCounter({ name: 'own_requests_total', help: 'h', labelNames: ['api', 'name', 'outcome'] });
  const registry = new prom.Registry();
  const promCounter = new prom.Counter({
    name: 'prom_requests_total',
    help: 'h',
    labelNames: ['api', 'name', 'outcome'] as const,
    registers: [registry],
  });
  const floorSeries = { value: 0 };
  return [
    {
      name: 'counter: @nano-access/metrics inc(api, name, outcome)',
      run: (n) => {
        for (let i = 0; i < n; i++) own.inc(APIS[i & 1], NAMES[i & 31], OUTCOMES[i & 7]);
      },
    },
    {
      name: 'counter: prom-client inc({ api, name, outcome })',
      run: (n) => {
        for (let i = 0; i < n; i++)
          promCounter.inc({ api: APIS[i & 1], name: NAMES[i & 31], outcome: OUTCOMES[i & 7] });
      },
    },
    {
      name: 'counter: prom-client labels(api, name, outcome).inc()',
      run: (n) => {
        for (let i = 0; i < n; i++) promCounter.labels(APIS[i & 1], NAMES[i & 31], OUTCOMES[i & 7]).inc();
      },
    },
    {
      name: 'counter: floor (series in hand, value++)',
      run: (n) => {
        for (let i = 0; i < n; i++) floorSeries.value += OUTCOMES[i & 7].length > 0 ? 1 : 0;
      },
    },
  ];
}

function histogramCases(): Case[] {
  const own = new OwnHistogram({ name: 'own_seconds', help: 'h', labelNames: ['api'], buckets: BUCKETS });
  const registry = new prom.Registry();
  const promHistogram = new prom.Histogram({
    name: 'prom_seconds',
    help: 'h',
    labelNames: ['api'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const floor = { counts: new Float64Array(BUCKETS.length), sum: 0, count: 0 };
  return [
    {
      name: 'histogram: @nano-access/metrics observe(v, api)',
      run: (n) => {
        for (let i = 0; i < n; i++) own.observe(LATENCIES[i & 63], APIS[i & 1]);
      },
    },
    {
      name: 'histogram: prom-client observe({ api }, v)',
      run: (n) => {
        for (let i = 0; i < n; i++) promHistogram.observe({ api: APIS[i & 1] }, LATENCIES[i & 63]);
      },
    },
    {
      name: 'histogram: prom-client labels(api).observe(v)',
      run: (n) => {
        for (let i = 0; i < n; i++) promHistogram.labels(APIS[i & 1]).observe(LATENCIES[i & 63]);
      },
    },
    {
      name: 'histogram: floor (series in hand, bucket search)',
      run: (n) => {
        for (let i = 0; i < n; i++) {
          const value = LATENCIES[i & 63];
          let b = 0;
          while (b < BUCKETS.length && value > BUCKETS[b]) b++;
          if (b < BUCKETS.length) floor.counts[b]++;
          floor.sum += value;
          floor.count++;
        }
      },
    },
  ];
}

function measure(cases: Case[]): Map<string, number> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) c.run(Math.min(OPS, 200_000)); // warm up: JIT and every series created
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
      const start = cpuNanos();
      c.run(OPS);
      samples.get(c.name)!.push((cpuNanos() - start) / OPS);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

function report(title: string, results: Map<string, number>): void {
  const ours = [...results.values()][0];
  process.stdout.write(`\n${title} (${OPS.toLocaleString('en')} ops per round, median of ${ROUNDS})\n`);
  for (const [name, ns] of results)
    process.stdout.write(`  ${name.padEnd(58)} ${ns.toFixed(1).padStart(7)} ns/op  ${(ns / ours).toFixed(2)}x ours\n`);
}

report('Counter with three labels', measure(counterCases()));
report('Histogram with one label, 13 buckets', measure(histogramCases()));
