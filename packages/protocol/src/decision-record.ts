import {
  describeUserAt,
  maskId,
  type Credentials,
  type Decision,
  type DenialReason,
  type Policy,
} from '@nano-access/resolver';
import { type MergedCredentials, REFUSED_CREDENTIALS } from './credentials';

/**
 * Who asked, which permission decided, and why a refusal: filled in by the dispatcher when a
 * request's context carries one (the gateway's log_rpc), and never otherwise, so a server that
 * does not log decisions pays nothing for them. No field ever holds an id: a user is named by
 * position and at most the last four characters of its id, as the linter's reports do.
 */
export interface DecisionRecord {
  /** `user #3 (…c57)`, `the default user`, `unknown credentials (…9f1)`, or `conflicting credentials`. */
  caller?: string;
  /** The permission that decided; absent when none was needed (IsAlive) or the request never got that far. */
  permission?: string;
  /** For a refusal, in explain's terms: `no grant`, `denied by the user's deny`, `unknown credentials` … */
  reason?: string;
  /** The deny entry that removed the permission (with the two deny reasons). */
  deny?: string;
}

/** The log's wording of a resolver's denial reason (explain's vocabulary). */
export const DENIAL_REASON_TEXT: Readonly<Record<DenialReason, string>> = {
  'no-grant': 'no grant',
  deny: "denied by the user's deny",
  'default-user-deny': "denied by the default user's deny",
  'unknown-credentials': 'unknown credentials',
  'unknown-permission': 'unknown permission',
};

/** Refusals that are not the policy's: the credentials' sources disagree, the transport does not allow control, the rate limiter. */
export const REFUSAL_TEXT = {
  conflictingCredentials: 'conflicting credentials',
  controlNotAllowed: 'control not enabled on this transport',
  rateLimited: 'rate limited',
} as const;

/** How a log names the caller a decision was made for (never the id itself). */
export function describeCaller(decision: Decision, credentials: Credentials): string {
  const { user } = decision;
  if (user.kind === 'unknown') return `unknown credentials (${maskId(credentials ?? '')})`;
  return describeUserAt(user.index ?? 0, credentials ?? '', user.kind === 'default');
}

/**
 * Fills `record` with the policy's decision on `permission` (null: anyone may) for the merged
 * credentials, and returns whether the policy allows it. Never throws: a policy that fails is a
 * refusal, as the dispatcher's own check treats it.
 */
export function recordDecision(
  record: DecisionRecord,
  policy: Policy,
  merged: MergedCredentials,
  permission: string | null | undefined,
): boolean {
  if (merged === REFUSED_CREDENTIALS) {
    record.caller = REFUSAL_TEXT.conflictingCredentials;
    record.reason = REFUSAL_TEXT.conflictingCredentials;
    return false;
  }
  let decision: Decision;
  try {
    decision = policy.decide(merged, permission === undefined ? null : permission);
  } catch {
    record.reason = DENIAL_REASON_TEXT['unknown-permission'];
    return false;
  }
  record.caller = describeCaller(decision, merged);
  if (permission === undefined) {
    record.reason = DENIAL_REASON_TEXT['unknown-permission'];
    return false;
  }
  if (permission !== null) record.permission = permission;
  if (!decision.allowed && decision.reason !== undefined) {
    record.reason = DENIAL_REASON_TEXT[decision.reason];
    if (decision.deny !== undefined) record.deny = decision.deny;
  }
  return decision.allowed;
}

/**
 * Fills `record` for a request the rate limiter refused: who asked (as the policy names them), no
 * permission (the request never got that far), and the reason.
 */
export function recordRateLimited(record: DecisionRecord, policy: Policy, merged: MergedCredentials): void {
  recordDecision(record, policy, merged, null);
  record.reason = REFUSAL_TEXT.rateLimited;
}
