import { family } from '@nano-access/metrics';

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

/**
 * Counters kept by the Dispatcher; cheap to bump on every request: two lookups
 * by name, then by outcome (no key string is built: the names are constants,
 * whose hashes V8 keeps, where a concatenated key would be hashed anew each time).
 */
export class RequestCounters {
  private readonly counts: Record<RequestCount['kind'], Map<string, Map<string, RequestCount>>> = {
    message: new Map(),
    action: new Map(),
  };
  denials = 0;
  eventsPushed = 0;

  bump(kind: RequestCount['kind'], name: string, outcome: string): void {
    const byName = this.counts[kind];
    let byOutcome = byName.get(name);
    if (byOutcome === undefined) {
      byOutcome = new Map();
      byName.set(name, byOutcome);
    }
    const row = byOutcome.get(outcome);
    if (row !== undefined) row.count++;
    else byOutcome.set(outcome, { kind, name, outcome, count: 1 });
    if (outcome === 'denied') this.denials++;
  }

  snapshot(): DispatcherMetrics {
    const requests: RequestCount[] = [];
    for (const byName of [this.counts.message, this.counts.action]) {
      for (const byOutcome of byName.values()) for (const row of byOutcome.values()) requests.push({ ...row });
    }
    requests.sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.outcome.localeCompare(b.outcome),
    );
    return { requests, denials: this.denials, eventsPushed: this.eventsPushed };
  }

  /** Prometheus text exposition of the counters. */
  prometheus(prefix: string): string {
    const snap = this.snapshot();
    return (
      family(
        `${prefix}_requests_total`,
        'counter',
        'Requests handled by the dispatcher, by kind, name and outcome.',
        snap.requests.map(({ kind, name, outcome, count }) => ({ labels: { kind, name, outcome }, value: count })),
      ) +
      family(`${prefix}_denials_total`, 'counter', 'Requests refused by the access policy.', [
        { value: snap.denials },
      ]) +
      family(`${prefix}_events_pushed_total`, 'counter', 'Events pushed to subscribed sessions.', [
        { value: snap.eventsPushed },
      ])
    );
  }
}
