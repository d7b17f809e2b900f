import type { AccessReloader } from '@nano-access/protocol';
import { policyHashLabel, type PolicyStore } from '@nano-access/reloader';

/**
 * The AccessReload message's handler for a server's store: the store's own serial reload (the one
 * SIGHUP and the file watch run), its outcome as AccessReloadResponse. The diagnostics are the
 * store's, already redacted (no id of the file, or of the running policy, is in a message).
 */
export function accessReloader(store: PolicyStore): AccessReloader {
  return async () => {
    const result = await store.reload('request');
    if (result.outcome === 'closed') return null;
    // Only a reload by the file watch is superseded; a request never is (it outranks a queued watch
    // reload it joins). Should one be, the active policy is unchanged, and that is what it says.
    const outcome = result.outcome === 'superseded' ? 'unchanged' : result.outcome;
    const errors = result.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({
        at: `${d.file}:${d.span.start.line}:${d.span.start.column}`,
        message: d.message,
        rule: d.ruleId,
      }));
    return {
      outcome,
      generation: result.generation,
      // The active policy's, as /metrics and /healthz show it (for a rejection, not the rejected file's).
      hash: policyHashLabel(store.status().hash),
      ...(errors.length > 0 ? { errors } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
    };
  };
}
