/**
 * The Prometheus text exposition format, version 0.0.4: the one place that knows how a family's
 * `# HELP` and `# TYPE` lines, a sample line, a label value and a number are written.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A label value as the format writes it between quotes: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(value: string): string {
  return NEEDS_LABEL_ESCAPE.test(value) ? value.replace(LABEL_ESCAPES, escapeChar) : value;
}

/** Help text: `\` → `\\`, newline → `\n` (quotes stay as they are there). */
export function escapeHelp(text: string): string {
  return text.replace(HELP_ESCAPES, escapeChar);
}

/** `a="x",b="y"`: label names are the owner's identifiers; values are escaped. */
export function labelText(names: readonly string[], values: readonly string[]): string {
  let text = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) text += ',';
    text += `${names[i]}="${escapeLabelValue(values[i] ?? '')}"`;
  }
  return text;
}

/** A sample value: a number as JavaScript writes it, `+Inf`, `-Inf` or `NaN`; a string is written as given. */
export function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** The two lines that open a family. */
export function familyHeader(name: string, type: MetricType, help: string): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

/** One sample line; `labels` is label text as `labelText` writes it ('' for none). */
export function sampleLine(name: string, labels: string, value: number | string): string {
  return labels === '' ? `${name} ${formatValue(value)}\n` : `${name}{${labels}} ${formatValue(value)}\n`;
}

/** One sample of `family`: its labels by name and its value. */
export interface Sample {
  labels?: Readonly<Record<string, string>>;
  /** A number, or a string already formatted by its owner (a timestamp to the millisecond, say). */
  value: number | string;
}

/**
 * A whole counter or gauge family from values computed at render time (a snapshot of a store's
 * state, say), samples in the order given.
 */
export function family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly Sample[]): string {
  let text = familyHeader(name, type, help);
  for (const { labels, value } of samples) {
    const names = labels === undefined ? [] : Object.keys(labels);
    text += sampleLine(
      name,
      labelText(
        names,
        names.map((key) => labels![key]),
      ),
      value,
    );
  }
  return text;
}

const NEEDS_LABEL_ESCAPE = /[\\"\n]/;
const LABEL_ESCAPES = /[\\"\n]/g;
const HELP_ESCAPES = /[\\\n]/g;

function escapeChar(c: string): string {
  return c === '\n' ? '\\n' : `\\${c}`;
}
