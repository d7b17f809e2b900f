import type { DecisionRecord, RequestContext, Session, TransportCredentials } from '@nano-access/protocol';

/** HTTP sessions are never pushed to: they last one request. */
const ignorePush = (): void => undefined;

let sessionCounter = 0;

/**
 * One v2 request's context for the dispatcher. Its session (subscriptions need one; an HTTP
 * session lasts one request) is made only when the dispatcher reads it, which only a
 * subscription message does: every other request would pay for an id string and a session
 * lookup at close for nothing. The fields are all set in the constructor, so every context
 * has one shape.
 */
export class HttpRequestContext implements RequestContext {
  readonly transport = 'http' as const;
  /** Set by the dispatcher when the rate limiter refused the request. */
  retryAfter: number | undefined = undefined;
  private opened: Session | undefined = undefined;

  constructor(
    readonly credentials: TransportCredentials,
    readonly correlationId: string | undefined,
    readonly controlAllowed: boolean,
    readonly decision: DecisionRecord | undefined,
    readonly clientAddress: string | undefined,
  ) {}

  get session(): Session {
    return (this.opened ??= { id: `http-${++sessionCounter}`, push: ignorePush });
  }

  /** The session, if the dispatcher opened one: the one to close once the request is answered. */
  get openedSession(): Session | undefined {
    return this.opened;
  }
}
