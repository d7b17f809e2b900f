import { Counter, Gauge, Histogram, type HistogramOptions, type MetricOptions } from './metric';

/** Anything that renders one or more whole families. */
export interface Collector {
  render(): string;
}

/**
 * The metrics of one component, rendered in the order they were registered. A `collect` hook
 * runs before each render, to read values kept by their owners (a budget's bytes in use, say)
 * into gauges and counters, so the hot path of the owner never touches a metric.
 */
export class Registry implements Collector {
  private readonly collectors: Collector[] = [];
  private readonly hooks: Array<() => void> = [];

  counter(options: MetricOptions): Counter {
    return this.register(new Counter(options));
  }

  gauge(options: MetricOptions): Gauge {
    return this.register(new Gauge(options));
  }

  histogram(options: HistogramOptions): Histogram {
    return this.register(new Histogram(options));
  }

  /** Adds a metric or another collector, rendered after those registered before it. */
  register<C extends Collector>(collector: C): C {
    this.collectors.push(collector);
    return collector;
  }

  /** Runs `hook` before each render. */
  collect(hook: () => void): void {
    this.hooks.push(hook);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    for (const hook of this.hooks) hook();
    let text = '';
    for (const collector of this.collectors) text += collector.render();
    return text;
  }
}
