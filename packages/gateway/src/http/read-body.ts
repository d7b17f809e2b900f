import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BudgetLease } from '@nano-access/protocol';
import { closeWithoutReset } from './lingering-close';

export type BodyResult =
  | { kind: 'ok'; body: Buffer }
  | { kind: 'too-large' }
  /** The global budget of body bytes in flight cannot take this body (announced) or its next bytes. */
  | { kind: 'over-budget' }
  | { kind: 'aborted' };

/**
 * Bodies up to this size are "small": they may use the whole budget, while larger bodies must
 * leave the reserve free. So a few clients stalling large bodies cannot make the gateway refuse
 * ordinary requests (most are well under a kilobyte).
 */
export const SMALL_BODY_BYTES = 64 * 1024;

/** Requests that sent `Expect: 100-continue` and have not been invited to send their body yet. */
const awaitingContinue = new WeakSet<IncomingMessage>();

/** Marks a request that sent `Expect: 100-continue`: readBody invites its body only once it accepts it. */
export function expectsContinue(req: IncomingMessage): void {
  awaitingContinue.add(req);
}

/**
 * Reads a request body of at most `limit` bytes, charging its bytes to `lease` (the gateway's
 * budget of body bytes in flight) as they arrive, whether the body has a Content-Length or is
 * chunked. Refused before a byte is read: an announced Content-Length over the limit
 * (too-large) or one that would not fit in the budget now (over-budget). Refused mid-body:
 * a body that grows past the limit, or whose next bytes the budget cannot take. Nothing of a
 * refused body is kept; the caller answers with `Connection: close`, and what the client still
 * sends is read and dropped for a moment before the close (closeWithoutReset, so the client reads
 * the answer rather than a reset). The lease is released by the caller when
 * the request is done. A body over SMALL_BODY_BYTES (declared, or once it has grown past it)
 * must leave `reserve` bytes of the budget free.
 *
 * `done` is called once, with the body or the refusal: synchronously for a refusal before any
 * byte is read, else from the request's 'data', 'end' or 'close' event. A callback rather than a
 * promise, so that the answer can be written in the 'end' event itself, as a bare node:http
 * server does: a promise here cost a promise and a microtask turn (and the async frame awaiting
 * it another) on every request.
 */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  announced: string | undefined,
  lease: BudgetLease,
  reserve: number,
  done: (result: BodyResult) => void,
): void {
  let large = false;
  if (announced !== undefined) {
    const declared = Number(announced);
    if (declared > limit) return refuseUnread(req, TOO_LARGE, done);
    large = declared > SMALL_BODY_BYTES;
    if (declared > 0 && !lease.admits(declared, large ? reserve : 0)) return refuseUnread(req, OVER_BUDGET, done);
  }
  if (awaitingContinue.delete(req)) res.writeContinue();
  let first: Buffer | null = null;
  let chunks: Buffer[] | null = null;
  let size = 0;
  let settled = false;
  const refuse = (result: BodyResult): void => {
    settled = true;
    first = null;
    chunks = null;
    closeWithoutReset(req);
    done(result);
  };
  req.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > limit) return refuse(TOO_LARGE);
    if (size > SMALL_BODY_BYTES) large = true;
    if (!lease.take(chunk.length, large ? reserve : 0)) return refuse(OVER_BUDGET);
    if (first === null) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    done({ kind: 'ok', body: chunks !== null ? Buffer.concat(chunks, size) : (first ?? EMPTY) });
  });
  // A client that goes away mid-body: 'close' before 'end'. No 'error' listener: an
  // IncomingMessage emits its "aborted" error only to listeners, and it always closes
  // after it (one listener less to add on every request).
  req.on('close', () => {
    if (settled || req.complete) return;
    settled = true;
    done(ABORTED);
  });
}

/** Refused before any body byte is read (and, with Expect: 100-continue, before it is sent). */
function refuseUnread(req: IncomingMessage, result: BodyResult, done: (result: BodyResult) => void): void {
  awaitingContinue.delete(req);
  closeWithoutReset(req);
  done(result);
}

const EMPTY = Buffer.alloc(0);
const TOO_LARGE: BodyResult = { kind: 'too-large' };
const OVER_BUDGET: BodyResult = { kind: 'over-budget' };
const ABORTED: BodyResult = { kind: 'aborted' };
