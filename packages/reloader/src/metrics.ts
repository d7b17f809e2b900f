import { family } from '@nano-access/metrics';

/** What the metrics are rendered from: a plain snapshot, so rendering is pure. */
export interface MetricsSnapshot {
  reloadSuccesses: number;
  reloadFailures: number;
  lastReloadSuccessful: boolean;
  /** Seconds since the epoch of the last successful load (the first load counts), or null. */
  lastSuccessSeconds: number | null;
  generation: number;
  users: number;
  /** sha256 (hex) of the active content; null for the built-in default (no file) or a given policy. */
  hash: string | null;
}

/** The hash label of the active policy: the first 16 hex digits of its sha256, or "none". */
export function policyHashLabel(hash: string | null): string {
  return hash === null ? 'none' : hash.slice(0, 16);
}

/** The store's metrics in the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(s: MetricsSnapshot): string {
  return (
    family('nano_access_reloads_total', 'counter', 'Reloads of the access file that read new content, by result.', [
      { labels: { result: 'success' }, value: s.reloadSuccesses },
      { labels: { result: 'failure' }, value: s.reloadFailures },
    ]) +
    family(
      'nano_access_last_reload_successful',
      'gauge',
      'Whether the last reload attempt succeeded (1) or was rejected (0).',
      [{ value: s.lastReloadSuccessful ? 1 : 0 }],
    ) +
    family(
      'nano_access_last_reload_success_timestamp_seconds',
      'gauge',
      'When the active policy was loaded, in seconds since the epoch.',
      [{ value: s.lastSuccessSeconds === null ? 0 : s.lastSuccessSeconds.toFixed(3) }],
    ) +
    family(
      'nano_access_policy_generation',
      'gauge',
      'Generation of the active policy: 1 at start, plus one per successful reload.',
      [{ value: s.generation }],
    ) +
    family(
      'nano_access_policy_users',
      'gauge',
      'Users configured in the active policy (the default user included when configured).',
      [{ value: s.users }],
    ) +
    family(
      'nano_access_policy_info',
      'gauge',
      'The active policy: hash is the first 16 hex digits of the access file\'s sha256 ("none": no file). Replicas that agree show one value.',
      [{ labels: { hash: policyHashLabel(s.hash) }, value: 1 }],
    )
  );
}
