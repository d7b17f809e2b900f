import type { ByteBudget } from '@nano-access/protocol';

/** Which API a request used: v2 (envelopes), legacy (`POST /` actions) or http (everything else). */
export type ApiKind = 'v2' | 'legacy' | 'http';

/** Latency buckets in seconds: sub-millisecond for the embedded backend, up to seconds for a slow node. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/**
 * The gateway's own Prometheus metrics. Label values come from a closed set:
 * message and action names are checked against the catalog before they get
 * here (unknown ones become `_unknown`), so a client cannot grow the series.
 */
export class GatewayMetrics {
  /**
   * api → name → outcome → series; label text escaped once, when a series appears. Nested maps
   * rather than one joined key: the names are the catalog's (already hashed) strings, so a
   * lookup hashes nothing and builds no key string on each request.
   */
  private readonly requests = new Map<ApiKind, Map<string, Map<string, Series>>>();
  /** api → name → series. */
  private readonly denials = new Map<ApiKind, Map<string, Series>>();
  private readonly latency = new Map<ApiKind, Histogram>();
  private inFlight = 0;
  private connectionsOpen = 0;
  private connectionsRefused = 0;

  /** `bodyBudget`: max_request_bytes_in_flight, whose use and refusals are rendered. */
  constructor(private readonly bodyBudget?: ByteBudget) {}

  connectionOpened(): void {
    this.connectionsOpen++;
  }

  connectionClosed(): void {
    this.connectionsOpen--;
  }

  /** A connection closed at accept because max_connections were open. */
  connectionRefused(): void {
    this.connectionsRefused++;
  }

  started(): void {
    this.inFlight++;
  }

  /** One finished request. `seconds` from its first byte to the response written. */
  record(api: ApiKind, name: string, outcome: string, seconds: number): void {
    this.inFlight--;
    const byOutcome = child(child(this.requests, api), name);
    const series = byOutcome.get(outcome);
    if (series !== undefined) series.value++;
    else
      byOutcome.set(outcome, {
        labels: `api="${api}",name="${escapeLabel(name)}",outcome="${escapeLabel(outcome)}"`,
        value: 1,
      });
    if (outcome === 'denied') {
      const byName = child(this.denials, api);
      const denial = byName.get(name);
      if (denial !== undefined) denial.value++;
      else byName.set(name, { labels: `api="${api}",name="${escapeLabel(name)}"`, value: 1 });
    }
    let histogram = this.latency.get(api);
    if (!histogram) {
      histogram = { counts: new Array<number>(BUCKETS.length).fill(0), sum: 0, count: 0 };
      this.latency.set(api, histogram);
    }
    // Cumulative buckets: count into the first bucket that holds it, sum up at render time.
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    if (i < BUCKETS.length) histogram.counts[i]++;
    histogram.sum += seconds;
    histogram.count++;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    lines.push('# HELP nano_access_gateway_requests_total Gateway requests by API, message or action, and outcome.');
    lines.push('# TYPE nano_access_gateway_requests_total counter');
    for (const { labels, value } of sorted(this.requests))
      lines.push(`nano_access_gateway_requests_total{${labels}} ${value}`);
    lines.push('# HELP nano_access_gateway_denials_total Requests refused by the access policy.');
    lines.push('# TYPE nano_access_gateway_denials_total counter');
    for (const { labels, value } of sorted(this.denials))
      lines.push(`nano_access_gateway_denials_total{${labels}} ${value}`);
    lines.push('# HELP nano_access_gateway_request_duration_seconds Time from request to response.');
    lines.push('# TYPE nano_access_gateway_request_duration_seconds histogram');
    for (const api of [...this.latency.keys()].sort()) {
      const h = this.latency.get(api)!;
      let cumulative = 0;
      for (let i = 0; i < BUCKETS.length; i++) {
        cumulative += h.counts[i];
        lines.push(
          `nano_access_gateway_request_duration_seconds_bucket{api="${api}",le="${BUCKETS[i]}"} ${cumulative}`,
        );
      }
      lines.push(`nano_access_gateway_request_duration_seconds_bucket{api="${api}",le="+Inf"} ${h.count}`);
      lines.push(`nano_access_gateway_request_duration_seconds_sum{api="${api}"} ${h.sum}`);
      lines.push(`nano_access_gateway_request_duration_seconds_count{api="${api}"} ${h.count}`);
    }
    lines.push('# HELP nano_access_gateway_requests_in_flight Requests being handled now.');
    lines.push('# TYPE nano_access_gateway_requests_in_flight gauge');
    lines.push(`nano_access_gateway_requests_in_flight ${this.inFlight}`);
    lines.push('# HELP nano_access_gateway_connections_open HTTP connections open now.');
    lines.push('# TYPE nano_access_gateway_connections_open gauge');
    lines.push(`nano_access_gateway_connections_open ${this.connectionsOpen}`);
    lines.push(
      '# HELP nano_access_gateway_connections_refused_total HTTP connections closed at accept because max_connections were open.',
    );
    lines.push('# TYPE nano_access_gateway_connections_refused_total counter');
    lines.push(`nano_access_gateway_connections_refused_total ${this.connectionsRefused}`);
    if (this.bodyBudget !== undefined) {
      lines.push(
        '# HELP nano_access_gateway_body_bytes_in_flight Bytes of request bodies held now, all connections together.',
      );
      lines.push('# TYPE nano_access_gateway_body_bytes_in_flight gauge');
      lines.push(`nano_access_gateway_body_bytes_in_flight ${this.bodyBudget.inUse}`);
      lines.push('# HELP nano_access_gateway_body_bytes_limit max_request_bytes_in_flight.');
      lines.push('# TYPE nano_access_gateway_body_bytes_limit gauge');
      lines.push(`nano_access_gateway_body_bytes_limit ${this.bodyBudget.limit}`);
      lines.push(
        '# HELP nano_access_gateway_body_budget_refusals_total Requests answered 503 because their body would pass max_request_bytes_in_flight.',
      );
      lines.push('# TYPE nano_access_gateway_body_budget_refusals_total counter');
      lines.push(`nano_access_gateway_body_budget_refusals_total ${this.bodyBudget.refusals}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

interface Series {
  labels: string;
  value: number;
}

/** The map under `key`, created empty on first use. */
function child<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = new Map<string, V>();
    map.set(key, inner);
  }
  return inner;
}

/** Every series of nested maps, in label order (rendering only). */
function sorted(map: Map<unknown, Map<string, Series> | Map<string, Map<string, Series>>>): Series[] {
  const all: Series[] = [];
  const collect = (inner: Map<string, Series> | Map<string, Map<string, Series>>): void => {
    for (const value of inner.values()) {
      if (value instanceof Map) collect(value);
      else all.push(value);
    }
  };
  for (const inner of map.values()) collect(inner);
  return all.sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
}

function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
