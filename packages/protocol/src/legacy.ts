import type { Policy } from '@nano-access/resolver';
import { actionNeedsControl } from './control-gate';
import { mergeCredentials, REFUSED_CREDENTIALS } from './credentials';
import { LegacyError, legacyErrorBody, rateLimitedLegacyBody } from './errors';
import { recordDecision, recordRateLimited, REFUSAL_TEXT } from './decision-record';
import type { RateLimiter } from './rate-limit/rate-limiter';
import type { JsonObject, LegacyContext, LegacyResult } from './types';

export interface LegacyDispatch {
  result: LegacyResult;
  /** The action name (for counters) when the catalog knows it. */
  action: string;
  known: boolean;
}

function fail(outcome: LegacyResult['outcome'], error: string): LegacyResult {
  return { outcome, body: legacyErrorBody(error) };
}

/** A legacy request the checks let through, ready for a backend (or for forwarding). */
export interface AllowedLegacyRequest {
  allowed: true;
  request: JsonObject & { action: string };
  action: string;
  known: true;
}

/** A legacy request refused before anything saw it: the answer to send. */
export interface RefusedLegacyRequest extends LegacyDispatch {
  allowed: false;
}

/**
 * The checks a legacy request passes before any backend sees it: parse → (when `ctx.authorize`
 * and a limiter is given) rate limit → known action → unsafe rule → (when `ctx.authorize`)
 * permission, filling `ctx.decision` when asked. The Dispatcher (handleLegacy) and the
 * standalone gateway, which forwards what is allowed over IPC, call this one function. Requests
 * trusted by transport (IPC encodings 1 and 2: `authorize` false) are never rate limited.
 */
export function authorizeLegacy(
  request: unknown,
  ctx: LegacyContext,
  policy: Policy,
  limiter?: RateLimiter,
): AllowedLegacyRequest | RefusedLegacyRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { allowed: false, result: fail('invalid', LegacyError.unableToParse), action: 'unknown', known: false };
  }
  const body = request as JsonObject;
  const action = body.action;
  if (typeof action !== 'string') {
    return { allowed: false, result: fail('invalid', LegacyError.unableToParse), action: 'unknown', known: false };
  }
  const entry = policy.action(action);
  if (limiter !== undefined && ctx.authorize) {
    // Every request that names an action counts, whatever its fate: refusals and unknown actions too.
    const caller = mergeCredentials(ctx.credentials);
    const retryAfter = limiter.admit(policy, caller, ctx.clientAddress);
    if (retryAfter > 0) {
      if (ctx.decision !== undefined) recordRateLimited(ctx.decision, policy, caller);
      return {
        allowed: false,
        result: { outcome: 'rate_limited', body: rateLimitedLegacyBody(retryAfter), retryAfter },
        action,
        known: entry !== undefined,
      };
    }
  }
  if (entry === undefined) {
    return { allowed: false, result: fail('unknown', LegacyError.unknownCommand), action, known: false };
  }
  const record = ctx.authorize ? ctx.decision : undefined;
  if (ctx.unsafeAllowed !== true && actionNeedsControl(entry, body)) {
    if (record !== undefined) {
      recordDecision(record, policy, mergeCredentials(ctx.credentials), entry.permission);
      record.reason = REFUSAL_TEXT.controlNotAllowed;
      delete record.deny;
    }
    return { allowed: false, result: fail('unsafe', LegacyError.unsafe), action, known: true };
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
    if (!allowed) return { allowed: false, result: fail('denied', LegacyError.accessDenied), action, known: true };
  }
  return { allowed: true, request: body as JsonObject & { action: string }, action, known: true };
}

/** The outcome of a backend's answer to an allowed legacy request. */
export function legacyAnswerOutcome(answer: JsonObject): LegacyResult['outcome'] {
  if (typeof answer.error !== 'string') return 'ok';
  if (answer.error === LegacyError.unknownCommand) return 'unknown';
  if (answer.error === LegacyError.notImplemented) return 'not_implemented';
  return 'error';
}
