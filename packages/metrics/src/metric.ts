import { MetricsError, MetricsErrorCode } from './errors';
import { familyHeader, labelText, sampleLine, type MetricType } from './exposition';

/** What a metric is called, what it measures, and the names of its labels (at most three). */
export interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
  /**
   * The order of the series in the exposition: by label text (the default), or the order they
   * were created in (an owner that zeroes its series in a meaningful order, a config's, say).
   */
  order?: 'labels' | 'created';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_LABELS = 3;

interface Series {
  /** The label text, escaped once when the series first appears. */
  readonly labels: string;
}

type Level<S> = Map<string, Level<S> | S>;

/**
 * A family of series keyed by up to three label values. A series is found by one map lookup
 * per label value (nested maps, not a joined key: a label value that is a known constant string
 * keeps its hash in V8, so a lookup hashes and builds nothing). Label values are passed as
 * separate arguments rather than an array or an object so that recording allocates nothing.
 */
export abstract class Metric<S extends Series> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  private readonly root: Level<S> = new Map();
  /** Every series, in the order it was created. */
  private readonly created: S[] = [];
  private readonly sortByLabels: boolean;
  /** The one series of a metric without labels (made on first use: a subclass's fields are set after super()). */
  private single: S | undefined;

  protected constructor(
    readonly type: MetricType,
    options: MetricOptions,
  ) {
    const labelNames = options.labelNames ?? [];
    if (!METRIC_NAME.test(options.name))
      throw new MetricsError(MetricsErrorCode.badDefinition, `invalid metric name "${options.name}"`);
    if (labelNames.length > MAX_LABELS)
      throw new MetricsError(
        MetricsErrorCode.badDefinition,
        `metric ${options.name}: at most ${MAX_LABELS} labels, got ${labelNames.length}`,
      );
    for (const label of labelNames)
      if (!LABEL_NAME.test(label) || label.startsWith('__') || (type === 'histogram' && label === 'le'))
        throw new MetricsError(MetricsErrorCode.badDefinition, `metric ${options.name}: invalid label name "${label}"`);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = labelNames;
    this.sortByLabels = options.order !== 'created';
  }

  protected abstract createSeries(labels: string): S;
  protected abstract renderSeries(series: S): string;

  /** The series for these label values, created (at zero) on first use. */
  protected series(a?: string, b?: string, c?: string): S {
    const depth = this.labelNames.length;
    if (depth === 0) return (this.single ??= this.createSeries(''));
    let level = this.root;
    if (depth > 1) level = branch(level, a ?? '');
    if (depth > 2) level = branch(level, b ?? '');
    const last = (depth === 1 ? a : depth === 2 ? b : c) ?? '';
    let found = level.get(last) as S | undefined;
    if (found === undefined) {
      found = this.createSeries(labelText(this.labelNames, [a ?? '', b ?? '', c ?? '']));
      level.set(last, found);
      this.created.push(found);
    }
    return found;
  }

  /** Makes the series exist, so that it is rendered (at zero) before anything is recorded in it. */
  zero(a?: string, b?: string, c?: string): void {
    this.series(a, b, c);
  }

  /** The family: `# HELP`, `# TYPE`, then every series in label order. */
  render(): string {
    let text = familyHeader(this.name, this.type, this.help);
    if (this.labelNames.length === 0) return text + this.renderSeries(this.series());
    const all = this.sortByLabels
      ? [...this.created].sort((x, y) => (x.labels < y.labels ? -1 : x.labels > y.labels ? 1 : 0))
      : this.created;
    for (const series of all) text += this.renderSeries(series);
    return text;
  }
}

interface ValueSeries extends Series {
  value: number;
}

abstract class ValueMetric extends Metric<ValueSeries> {
  protected createSeries(labels: string): ValueSeries {
    return { labels, value: 0 };
  }

  protected renderSeries(series: ValueSeries): string {
    return sampleLine(this.name, series.labels, series.value);
  }

  /** The current value of a series (0 when it has none yet). */
  get(a?: string, b?: string, c?: string): number {
    return this.series(a, b, c).value;
  }
}

/** A count that only goes up. */
export class Counter extends ValueMetric {
  constructor(options: MetricOptions) {
    super('counter', options);
  }

  inc(a?: string, b?: string, c?: string): void {
    this.series(a, b, c).value++;
  }

  add(amount: number, a?: string, b?: string, c?: string): void {
    if (!(amount >= 0))
      throw new MetricsError(MetricsErrorCode.badIncrement, `counter ${this.name}: cannot add ${amount}`);
    this.series(a, b, c).value += amount;
  }

  /** Takes the value of a count kept by its owner (read at render time, from a `Registry` collect hook). */
  set(value: number, a?: string, b?: string, c?: string): void {
    this.series(a, b, c).value = value;
  }
}

/** A value that goes up and down. */
export class Gauge extends ValueMetric {
  constructor(options: MetricOptions) {
    super('gauge', options);
  }

  set(value: number, a?: string, b?: string, c?: string): void {
    this.series(a, b, c).value = value;
  }

  inc(a?: string, b?: string, c?: string): void {
    this.series(a, b, c).value++;
  }

  dec(a?: string, b?: string, c?: string): void {
    this.series(a, b, c).value--;
  }
}

interface HistogramSeries extends Series {
  /** Observations per bucket, not cumulative: summed at render time. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
}

/** Observations counted into buckets by upper bound, with their sum and count. */
export class Histogram extends Metric<HistogramSeries> {
  private readonly buckets: readonly number[];
  /** `le="…"` of each bucket, written once. */
  private readonly bounds: readonly string[];

  constructor(options: HistogramOptions) {
    super('histogram', options);
    checkBuckets(options);
    this.buckets = options.buckets;
    this.bounds = options.buckets.map((bound) => `le="${String(bound)}"`);
  }

  observe(value: number, a?: string, b?: string, c?: string): void {
    const series = this.series(a, b, c);
    const buckets = this.buckets;
    // Count into the first bucket that holds the value; render makes them cumulative.
    let i = 0;
    while (i < buckets.length && value > buckets[i]) i++;
    if (i < buckets.length) series.counts[i]++;
    series.sum += value;
    series.count++;
  }

  protected createSeries(labels: string): HistogramSeries {
    return { labels, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
  }

  protected renderSeries(series: HistogramSeries): string {
    const bucket = `${this.name}_bucket`;
    const prefix = series.labels === '' ? '' : `${series.labels},`;
    let text = '';
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += series.counts[i];
      text += sampleLine(bucket, prefix + this.bounds[i], cumulative);
    }
    text += sampleLine(bucket, `${prefix}le="+Inf"`, series.count);
    text += sampleLine(`${this.name}_sum`, series.labels, series.sum);
    text += sampleLine(`${this.name}_count`, series.labels, series.count);
    return text;
  }
}

function checkBuckets(options: HistogramOptions): void {
  const { buckets } = options;
  for (let i = 0; i < buckets.length; i++)
    if (!Number.isFinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
      throw new MetricsError(
        MetricsErrorCode.badDefinition,
        `histogram ${options.name}: buckets must be finite and ascending`,
      );
}

function branch<S>(level: Level<S>, key: string): Level<S> {
  let next = level.get(key) as Level<S> | undefined;
  if (next === undefined) {
    next = new Map();
    level.set(key, next);
  }
  return next;
}
