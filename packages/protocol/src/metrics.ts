/** One counter row. */
export interface RequestCount {
  kind: 'message' | 'action';
  /** Message type or action name; unknown names are counted as "unknown" so a client cannot grow the label set. */
  name: string;
  outcome: string;
  count: number;
}

export interface DispatcherMetrics {
  requests: RequestCount[];
  /** Requests refused by the policy (v2 Error code 3 and legacy "Access denied"). */
  denials: number;
  /** Events pushed to sessions (EventConfirmation, EventServiceStop). */
  eventsPushed: number;
}

/** Counters kept by the Dispatcher; cheap to bump (one map lookup). */
export class RequestCounters {
  private readonly counts = new Map<string, RequestCount>();
  denials = 0;
  eventsPushed = 0;

  bump(kind: RequestCount['kind'], name: string, outcome: string): void {
    const key = kind + '\u0000' + name + '\u0000' + outcome;
    const row = this.counts.get(key);
    if (row !== undefined) row.count++;
    else this.counts.set(key, { kind, name, outcome, count: 1 });
    if (outcome === 'denied') this.denials++;
  }

  snapshot(): DispatcherMetrics {
    const requests = [...this.counts.values()].map((r) => ({ ...r }));
    requests.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.outcome.localeCompare(b.outcome));
    return { requests, denials: this.denials, eventsPushed: this.eventsPushed };
  }

  /** Prometheus text exposition of the counters. */
  prometheus(prefix: string): string {
    const snap = this.snapshot();
    const lines = [
      `# HELP ${prefix}_requests_total Requests handled by the dispatcher, by kind, name and outcome.`,
      `# TYPE ${prefix}_requests_total counter`,
      ...snap.requests.map((r) => `${prefix}_requests_total{kind="${r.kind}",name="${r.name}",outcome="${r.outcome}"} ${r.count}`),
      `# HELP ${prefix}_denials_total Requests refused by the access policy.`,
      `# TYPE ${prefix}_denials_total counter`,
      `${prefix}_denials_total ${snap.denials}`,
      `# HELP ${prefix}_events_pushed_total Events pushed to subscribed sessions.`,
      `# TYPE ${prefix}_events_pushed_total counter`,
      `${prefix}_events_pushed_total ${snap.eventsPushed}`,
    ];
    return lines.join('\n') + '\n';
  }
}
