import type { Credentials } from '@nano-access/resolver';

/**
 * What a transport read from one request's own credential sources (the gateway: the
 * `Nano-Api-Key` header, `Authorization`, the URL path), unmerged: every id it found, one per
 * occurrence. An IPC connection reads none (its envelopes carry their own).
 */
export interface PresentedCredentials {
  readonly ids: readonly string[];
  /** A source was there but could not be read (an Authorization scheme not taken, bad Basic encoding). */
  readonly unreadable?: boolean;
}

/** Credentials as a transport hands them to the Dispatcher: none, one id, or what it found. */
export type TransportCredentials = Credentials | PresentedCredentials;

/** The mark of a request whose credentials are refused: sources that disagree, or one that cannot be read. */
export const REFUSED_CREDENTIALS: unique symbol = Symbol('refused credentials');

/** The caller a request speaks for (an id; absent is the default user), or REFUSED_CREDENTIALS. */
export type MergedCredentials = string | undefined | typeof REFUSED_CREDENTIALS;

/**
 * The one rule that merges a request's credentials, wherever they came from: the transport's
 * sources and the envelope's `credentials` field. Every id presented must be the same; two that
 * differ are refused, never settled by picking one (a proxy that adds its own key must not be
 * overridden by a client's, nor the other way round). An empty id presents nothing: absent and
 * "" both mean the default user. A source that could not be read is refused too (fail closed: the
 * caller meant to say who it is). A refusal is answered "Access denied", like a missing
 * permission, and the ids never appear in an answer or a log. Allocates nothing.
 */
export function mergeCredentials(transport: TransportCredentials, envelope?: unknown): MergedCredentials {
  let chosen: string | undefined;
  if (typeof transport === 'string') {
    if (transport !== '') chosen = transport;
  } else if (transport !== null && transport !== undefined) {
    if (transport.unreadable === true) return REFUSED_CREDENTIALS;
    for (const id of transport.ids) {
      if (id === '') continue;
      if (chosen === undefined) chosen = id;
      else if (id !== chosen) return REFUSED_CREDENTIALS;
    }
  }
  if (typeof envelope === 'string' && envelope !== '') {
    if (chosen === undefined) chosen = envelope;
    else if (envelope !== chosen) return REFUSED_CREDENTIALS;
  }
  return chosen;
}

/**
 * The correlation id a request answers with: the envelope's own (a string of at most 1024
 * characters, as the schema allows), else the transport's (the gateway's Nano-Correlation-Id).
 * One rule for the Dispatcher, the gateway's failure answers and the standalone forwarder.
 */
export function mergeCorrelationId(envelope: unknown, transport: string | undefined): string | undefined {
  if (typeof envelope === 'object' && envelope !== null) {
    const id = (envelope as { correlation_id?: unknown }).correlation_id;
    if (typeof id === 'string' && id.length <= 1024) return id;
  }
  return transport;
}
