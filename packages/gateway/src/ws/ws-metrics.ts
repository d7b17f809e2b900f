/** Why a socket was refused at the upgrade, or closed by the gateway. Closed sets: no client text becomes a label. */
export type WsRefusal = 'max_sockets' | 'credentials' | 'not_found';
export type WsClosure = 'slow_consumer' | 'too_large' | 'credentials_timeout' | 'credentials';
export type WsRequestOutcome = 'ok' | 'denied' | 'invalid' | 'unsupported' | 'error';

/** The WebSocket endpoint's Prometheus metrics (appended to the gateway's /metrics). */
export class WsMetrics {
  socketsOpen = 0;
  subscriptions = 0;
  eventsSent = 0;
  revocations = 0;
  /** null: no upstream (in process); else 1 while the upstream subscription is up. */
  upstreamUp: number | null = null;
  upstreamDrops = 0;
  private readonly refused = new Map<WsRefusal, number>();
  private readonly closed = new Map<WsClosure, number>();
  private readonly requests = new Map<string, number>();

  constructor(private readonly maxSockets: number) {}

  refuse(reason: WsRefusal): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }

  close(reason: WsClosure): void {
    this.closed.set(reason, (this.closed.get(reason) ?? 0) + 1);
  }

  request(action: 'subscribe' | 'unsubscribe' | 'ping' | 'credentials' | 'other', outcome: WsRequestOutcome): void {
    const key = `action="${action}",outcome="${outcome}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  render(): string {
    const p = 'nano_access_gateway_ws';
    const lines = [
      `# HELP ${p}_sockets_open WebSocket connections open now.`,
      `# TYPE ${p}_sockets_open gauge`,
      `${p}_sockets_open ${this.socketsOpen}`,
      `# HELP ${p}_sockets_max [websocket] max_sockets.`,
      `# TYPE ${p}_sockets_max gauge`,
      `${p}_sockets_max ${this.maxSockets}`,
      `# HELP ${p}_refused_total Upgrades refused, by reason.`,
      `# TYPE ${p}_refused_total counter`,
      ...[...this.refused].map(([reason, n]) => `${p}_refused_total{reason="${reason}"} ${n}`),
      `# HELP ${p}_closed_total Sockets closed by the gateway, by reason.`,
      `# TYPE ${p}_closed_total counter`,
      ...[...this.closed].map(([reason, n]) => `${p}_closed_total{reason="${reason}"} ${n}`),
      `# HELP ${p}_requests_total Client messages, by action and outcome.`,
      `# TYPE ${p}_requests_total counter`,
      ...[...this.requests].map(([labels, n]) => `${p}_requests_total{${labels}} ${n}`),
      `# HELP ${p}_subscriptions Subscriptions held now.`,
      `# TYPE ${p}_subscriptions gauge`,
      `${p}_subscriptions ${this.subscriptions}`,
      `# HELP ${p}_events_sent_total Events sent to sockets.`,
      `# TYPE ${p}_events_sent_total counter`,
      `${p}_events_sent_total ${this.eventsSent}`,
      `# HELP ${p}_revocations_total Subscriptions dropped by a policy change.`,
      `# TYPE ${p}_revocations_total counter`,
      `${p}_revocations_total ${this.revocations}`,
    ];
    if (this.upstreamUp !== null) {
      lines.push(
        `# HELP ${p}_upstream_up 1 while the standalone gateway's upstream TopicConfirmation subscription is up.`,
        `# TYPE ${p}_upstream_up gauge`,
        `${p}_upstream_up ${this.upstreamUp}`,
        `# HELP ${p}_upstream_drops_total Times the upstream subscription was lost.`,
        `# TYPE ${p}_upstream_drops_total counter`,
        `${p}_upstream_drops_total ${this.upstreamDrops}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
