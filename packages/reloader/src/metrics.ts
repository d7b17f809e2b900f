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
  return [
    '# HELP nano_access_reloads_total Reloads of the access file that read new content, by result.',
    '# TYPE nano_access_reloads_total counter',
    `nano_access_reloads_total{result="success"} ${s.reloadSuccesses}`,
    `nano_access_reloads_total{result="failure"} ${s.reloadFailures}`,
    '# HELP nano_access_last_reload_successful Whether the last reload attempt succeeded (1) or was rejected (0).',
    '# TYPE nano_access_last_reload_successful gauge',
    `nano_access_last_reload_successful ${s.lastReloadSuccessful ? 1 : 0}`,
    '# HELP nano_access_last_reload_success_timestamp_seconds When the active policy was loaded, in seconds since the epoch.',
    '# TYPE nano_access_last_reload_success_timestamp_seconds gauge',
    `nano_access_last_reload_success_timestamp_seconds ${s.lastSuccessSeconds === null ? 0 : s.lastSuccessSeconds.toFixed(3)}`,
    '# HELP nano_access_policy_generation Generation of the active policy: 1 at start, plus one per successful reload.',
    '# TYPE nano_access_policy_generation gauge',
    `nano_access_policy_generation ${s.generation}`,
    '# HELP nano_access_policy_users Users configured in the active policy (the default user included when configured).',
    '# TYPE nano_access_policy_users gauge',
    `nano_access_policy_users ${s.users}`,
    '# HELP nano_access_policy_info The active policy: hash is the first 16 hex digits of the access file\'s sha256 ("none": no file). Replicas that agree show one value.',
    '# TYPE nano_access_policy_info gauge',
    `nano_access_policy_info{hash="${policyHashLabel(s.hash)}"} 1`,
    '',
  ].join('\n');
}
