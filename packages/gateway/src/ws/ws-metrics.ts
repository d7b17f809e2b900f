import { type Counter, Registry } from '@nano-access/metrics';

/** Why a socket was refused at the upgrade, or closed by the gateway. Closed sets: no client text becomes a label. */
export type WsRefusal = 'max_sockets' | 'credentials' | 'not_found' | 'address' | 'origin' | 'rate_limited';
export type WsClosure = 'slow_consumer' | 'total_buffered' | 'too_large' | 'credentials_timeout' | 'credentials';
export type WsRequestOutcome = 'ok' | 'denied' | 'invalid' | 'unsupported' | 'error' | 'rate_limited';

const P = 'nano_access_gateway_ws';

/** The WebSocket endpoint's Prometheus metrics (appended to the gateway's /metrics). */
export class WsMetrics {
  socketsOpen = 0;
  subscriptions = 0;
  eventsSent = 0;
  revocations = 0;
  /** null: no upstream (in process); else 1 while the upstream subscription is up. */
  upstreamUp: number | null = null;
  upstreamDrops = 0;
  private readonly registry = new Registry();
  private readonly refused: Counter;
  private readonly closed: Counter;
  private readonly requests: Counter;

  constructor(maxSockets: number) {
    const registry = this.registry;
    const socketsOpen = registry.gauge({ name: `${P}_sockets_open`, help: 'WebSocket connections open now.' });
    registry.gauge({ name: `${P}_sockets_max`, help: '[websocket] max_sockets.' }).set(maxSockets);
    const byReason = { labelNames: ['reason'], order: 'created' } as const;
    this.refused = registry.counter({ name: `${P}_refused_total`, help: 'Upgrades refused, by reason.', ...byReason });
    this.closed = registry.counter({
      name: `${P}_closed_total`,
      help: 'Sockets closed by the gateway, by reason.',
      ...byReason,
    });
    this.requests = registry.counter({
      name: `${P}_requests_total`,
      help: 'Client messages, by action and outcome.',
      labelNames: ['action', 'outcome'],
      order: 'created',
    });
    const subscriptions = registry.gauge({ name: `${P}_subscriptions`, help: 'Subscriptions held now.' });
    const eventsSent = registry.counter({ name: `${P}_events_sent_total`, help: 'Events sent to sockets.' });
    const revocations = registry.counter({
      name: `${P}_revocations_total`,
      help: 'Subscriptions dropped by a policy change.',
    });
    // The upstream's families exist only in the standalone gateway, which has one.
    const upstream = new Registry();
    const upstreamUp = upstream.gauge({
      name: `${P}_upstream_up`,
      help: "1 while the standalone gateway's upstream TopicConfirmation subscription is up.",
    });
    const upstreamDrops = upstream.counter({
      name: `${P}_upstream_drops_total`,
      help: 'Times the upstream subscription was lost.',
    });
    registry.register({ render: () => (this.upstreamUp === null ? '' : upstream.render()) });
    registry.collect(() => {
      socketsOpen.set(this.socketsOpen);
      subscriptions.set(this.subscriptions);
      eventsSent.set(this.eventsSent);
      revocations.set(this.revocations);
      upstreamUp.set(this.upstreamUp ?? 0);
      upstreamDrops.set(this.upstreamDrops);
    });
  }

  refuse(reason: WsRefusal): void {
    this.refused.inc(reason);
  }

  close(reason: WsClosure): void {
    this.closed.inc(reason);
  }

  request(action: 'subscribe' | 'unsubscribe' | 'ping' | 'credentials' | 'other', outcome: WsRequestOutcome): void {
    this.requests.inc(action, outcome);
  }

  render(): string {
    return this.registry.render();
  }
}
