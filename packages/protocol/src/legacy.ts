import type { Policy } from '@nano-access/resolver';
import type { Backend } from './backend';
import { LegacyError } from './errors';
import type { JsonObject, LegacyContext, LegacyResult } from './types';

export interface LegacyDispatch {
  result: LegacyResult;
  /** The action name (for counters) when the catalog knows it. */
  action: string;
  known: boolean;
}

/** The node's RPC reads booleans both as JSON booleans and as the strings "true" / "false". */
function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

/**
 * Per-action rules of LEGACY-ACTIONS.md that depend on the arguments: `process`
 * with `force=true` and `stats` with `type=objects` need control (unsafe) even
 * though the actions themselves do not.
 */
function needsControl(action: string, request: JsonObject): boolean {
  if (action === 'process') return truthy(request.force);
  if (action === 'stats') return request.type === 'objects';
  return false;
}

function fail(outcome: LegacyResult['outcome'], error: string): LegacyResult {
  return { outcome, body: { error } };
}

/**
 * Legacy request path: parse → known action → unsafe rule → (optional) permission
 * → backend. Each refusal happens before the backend sees the request.
 */
export async function dispatchLegacy(request: unknown, ctx: LegacyContext, policy: Policy, backend: Backend): Promise<LegacyDispatch> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { result: fail('invalid', LegacyError.unableToParse), action: 'unknown', known: false };
  }
  const body = request as JsonObject;
  const action = body.action;
  if (typeof action !== 'string') {
    return { result: fail('invalid', LegacyError.unableToParse), action: 'unknown', known: false };
  }
  const entry = policy.action(action);
  if (entry === undefined) return { result: fail('unknown', LegacyError.unknownCommand), action, known: false };
  if ((entry.control || needsControl(action, body)) && !ctx.unsafeAllowed) {
    return { result: fail('unsafe', LegacyError.unsafe), action, known: true };
  }
  if (ctx.authorize) {
    let allowed = false;
    try {
      allowed = policy.check(ctx.credentials, entry.permission);
    } catch {
      allowed = false; // fail closed on a catalog inconsistency
    }
    if (!allowed) return { result: fail('denied', LegacyError.accessDenied), action, known: true };
  }
  const answer = await backend.legacy(body as JsonObject & { action: string });
  let outcome: LegacyResult['outcome'] = 'ok';
  if (typeof answer.error === 'string') outcome = answer.error === LegacyError.unknownCommand ? 'unknown' : 'error';
  return { result: { outcome, body: answer }, action, known: true };
}
