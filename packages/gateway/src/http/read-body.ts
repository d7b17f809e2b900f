import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { kind: 'ok'; body: Buffer }
  | { kind: 'too-large' }
  | { kind: 'aborted' };

/**
 * Reads a request body of at most `limit` bytes. An announced Content-Length
 * over the limit is refused before reading anything; a body that grows past
 * the limit stops being read at that point (nothing beyond it is buffered).
 * The caller answers 413 with `Connection: close`, so the rest is never read.
 */
export function readBody(req: IncomingMessage, limit: number, announced: string | undefined): Promise<BodyResult> {
  if (announced !== undefined && Number(announced) > limit) {
    req.pause();
    return Promise.resolve({ kind: 'too-large' });
  }
  return new Promise((resolve) => {
    let first: Buffer | null = null;
    let chunks: Buffer[] | null = null;
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        first = null;
        chunks = null;
        req.pause();
        resolve({ kind: 'too-large' });
        return;
      }
      if (first === null) first = chunk;
      else (chunks ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ kind: 'ok', body: chunks !== null ? Buffer.concat(chunks, size) : (first ?? EMPTY) });
    });
    // A client that goes away mid-body: 'close' before 'end'. No 'error' listener: an
    // IncomingMessage emits its "aborted" error only to listeners, and it always closes
    // after it (one listener less to add on every request).
    req.on('close', () => {
      if (done || req.complete) return;
      done = true;
      resolve({ kind: 'aborted' });
    });
  });
}

const EMPTY = Buffer.alloc(0);
