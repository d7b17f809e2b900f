/** The one table the soak prints, and its list of "must" checks. */
import { percentile, type PhaseStats } from './load';

export interface Must {
  name: string;
  pass: boolean;
  /** What was measured, shown beside the verdict. */
  detail: string;
  /** Not checked in this run (e.g. a wait longer than --short allows); never a failure. */
  skipped?: boolean;
  /** Reported, but a failure does not fail the run (shown as `warn`). */
  advisory?: boolean;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '-';
}

/** Rows of "load held": one per phase and server. */
export function loadTable(rows: Array<{ server: string; stats: PhaseStats; offered: number }>): string {
  const header = ['phase', 'server', 'requests', 'req/s', 'offered/s', 'errors', 'denied', 'wrong', 'p50 ms', 'p99 ms'];
  const widths = [26, 9, 9, 7, 9, 7, 7, 6, 7, 8];
  const lines = [header.map((h, i) => pad(h, widths[i], i > 1)).join(' ')];
  for (const { server, stats, offered } of rows) {
    const seconds = Math.max(0.001, (stats.endedAt - stats.startedAt) / 1000);
    const cells = [
      stats.name,
      server,
      String(stats.requests),
      (stats.requests / seconds).toFixed(0),
      offered.toFixed(0),
      String(stats.errors),
      String(stats.denied),
      String(stats.wrongDecisions),
      ms(percentile(stats.latenciesMs, 50)),
      ms(percentile(stats.latenciesMs, 99)),
    ];
    lines.push(cells.map((c, i) => pad(c, widths[i], i > 1)).join(' '));
  }
  return lines.join('\n');
}

export function keyValues(title: string, entries: Array<[string, string]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return [title, ...entries.map(([k, v]) => `  ${pad(k, width)}  ${v}`)].join('\n');
}

export function mustTable(musts: Must[]): string {
  const width = Math.max(...musts.map((m) => m.name.length));
  return [
    'must',
    ...musts.map(
      (m) =>
        `  ${m.skipped ? 'SKIP' : m.pass ? 'pass' : m.advisory ? 'warn' : 'FAIL'}  ${pad(m.name, width)}  ${m.detail}`,
    ),
  ].join('\n');
}
