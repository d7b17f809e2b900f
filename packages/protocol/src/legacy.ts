import type { Policy } from '@nano-access/resolver';
import type { Backend } from './backend';
import { actionNeedsControl } from './control-gate';
import { mergeCredentials, REFUSED_CREDENTIALS } from './credentials';
import { LegacyError } from './errors';
import { recordDecision, REFUSAL_TEXT } from './decision-record';
import type { JsonObject, LegacyContext, LegacyResult } from './types';

export interface LegacyDispatch {
  result: LegacyResult;
  /** The action name (for counters) when the catalog knows it. */
  action: string;
  known: boolean;
}

function fail(outcome: LegacyResult['outcome'], error: string): LegacyResult {
  return { outcome, body: { error } };
}

/**
 * Legacy request path: parse → known action → unsafe rule → (optional) permission
 * → backend. Each refusal happens before the backend sees the request.
 */
export async function dispatchLegacy(
  request: unknown,
  ctx: LegacyContext,
  policy: Policy,
  backend: Backend,
): Promise<LegacyDispatch> {
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
  const record = ctx.authorize ? ctx.decision : undefined;
  if (ctx.unsafeAllowed !== true && actionNeedsControl(entry, body)) {
    if (record !== undefined) {
      recordDecision(record, policy, mergeCredentials(ctx.credentials), entry.permission);
      record.reason = REFUSAL_TEXT.controlNotAllowed;
      delete record.deny;
    }
    return { result: fail('unsafe', LegacyError.unsafe), action, known: true };
  }
  if (ctx.authorize) {
    // Sources that disagree (or cannot be read) are a denial like a missing permission.
    const caller = mergeCredentials(ctx.credentials);
    let allowed = false;
    try {
      allowed = caller !== REFUSED_CREDENTIALS && policy.check(caller, entry.permission);
    } catch {
      allowed = false; // fail closed on a catalog inconsistency
    }
    if (record !== undefined) recordDecision(record, policy, caller, entry.permission);
    if (!allowed) return { result: fail('denied', LegacyError.accessDenied), action, known: true };
  }
  const forwarded = body as JsonObject & { action: string };
  const answer = ctx.forward === undefined ? await backend.legacy(forwarded) : await ctx.forward(forwarded, backend);
  let outcome: LegacyResult['outcome'] = 'ok';
  if (typeof answer.error === 'string') {
    if (answer.error === LegacyError.unknownCommand) outcome = 'unknown';
    else if (answer.error === LegacyError.notImplemented) outcome = 'not_implemented';
    else outcome = 'error';
  }
  return { result: { outcome, body: answer }, action, known: true };
}
