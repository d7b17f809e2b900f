import { Registry } from '@nano-access/metrics';
import type { ByteBudget } from '@nano-access/protocol';

/** Which API a request used: v2 (envelopes), legacy (`POST /` actions) or http (everything else). */
export type ApiKind = 'v2' | 'legacy' | 'http';

/** Latency buckets in seconds: sub-millisecond for the embedded backend, up to seconds for a slow node. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/**
 * The gateway's own Prometheus metrics. Label values come from a closed set:
 * message and action names are checked against the catalog before they get
 * here (unknown ones become `_unknown`), so a client cannot grow the series.
 */
export class GatewayMetrics {
  private readonly registry = new Registry();
  private readonly requests = this.registry.counter({
    name: 'nano_access_gateway_requests_total',
    help: 'Gateway requests by API, message or action, and outcome.',
    labelNames: ['api', 'name', 'outcome'],
  });
  private readonly denials = this.registry.counter({
    name: 'nano_access_gateway_denials_total',
    help: 'Requests refused by the access policy.',
    labelNames: ['api', 'name'],
  });
  private readonly latency = this.registry.histogram({
    name: 'nano_access_gateway_request_duration_seconds',
    help: 'Time from request to response.',
    labelNames: ['api'],
    buckets: BUCKETS,
  });
  private readonly inFlight = this.registry.gauge({
    name: 'nano_access_gateway_requests_in_flight',
    help: 'Requests being handled now.',
  });
  private readonly connectionsOpen = this.registry.gauge({
    name: 'nano_access_gateway_connections_open',
    help: 'HTTP connections open now.',
  });
  private readonly connectionsRefused = this.registry.counter({
    name: 'nano_access_gateway_connections_refused_total',
    help: 'HTTP connections closed at accept because max_connections were open.',
  });

  /** `bodyBudget`: max_request_bytes_in_flight, whose use and refusals are rendered. */
  constructor(bodyBudget?: ByteBudget) {
    if (bodyBudget !== undefined) this.registerBudget(bodyBudget);
  }

  connectionOpened(): void {
    this.connectionsOpen.inc();
  }

  connectionClosed(): void {
    this.connectionsOpen.dec();
  }

  /** A connection closed at accept because max_connections were open. */
  connectionRefused(): void {
    this.connectionsRefused.inc();
  }

  started(): void {
    this.inFlight.inc();
  }

  /** One finished request. `seconds` from its first byte to the response written. */
  record(api: ApiKind, name: string, outcome: string, seconds: number): void {
    this.inFlight.dec();
    this.requests.inc(api, name, outcome);
    if (outcome === 'denied') this.denials.inc(api, name);
    this.latency.observe(seconds, api);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    return this.registry.render();
  }

  private registerBudget(budget: ByteBudget): void {
    const inUse = this.registry.gauge({
      name: 'nano_access_gateway_body_bytes_in_flight',
      help: 'Bytes of request bodies held now, all connections together.',
    });
    const limit = this.registry.gauge({
      name: 'nano_access_gateway_body_bytes_limit',
      help: 'max_request_bytes_in_flight.',
    });
    const refusals = this.registry.counter({
      name: 'nano_access_gateway_body_budget_refusals_total',
      help: 'Requests answered 503 because their body would pass max_request_bytes_in_flight.',
    });
    this.registry.collect(() => {
      inUse.set(budget.inUse);
      limit.set(budget.limit);
      refusals.set(budget.refusals);
    });
  }
}
