import type { IncomingMessage } from 'node:http';

/** The request headers the gateway reads. */
export interface GatewayHeaders {
  contentLength: string | undefined;
  /** Every `Nano-Api-Key` value, in order (a repeated header is one source per occurrence). */
  apiKeys: string[] | undefined;
  /** Every `Authorization` value, in order. */
  authorizations: string[] | undefined;
  correlationId: string | undefined;
}

/**
 * Picks the headers the gateway reads straight from rawHeaders, without
 * building node's lazily parsed `req.headers` object on every request (a
 * measurable share of a sub-100 µs request). Content-Length and the
 * correlation id: the first occurrence wins, as `req.headers` does. Credential
 * headers: every occurrence is kept, so that two which disagree are refused
 * (credentials.ts) rather than one silently chosen.
 */
export function gatewayHeaders(req: IncomingMessage): GatewayHeaders {
  const raw = req.rawHeaders;
  let contentLength: string | undefined;
  let apiKeys: string[] | undefined;
  let authorizations: string[] | undefined;
  let correlationId: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    switch (name.length) {
      case 14:
        // The two spellings clients send are matched as they are: no lowercase copy per request.
        if (
          contentLength === undefined &&
          (name === 'Content-Length' || name === 'content-length' || name.toLowerCase() === 'content-length')
        ) {
          contentLength = raw[i + 1];
        }
        break;
      // The first letter (either case) before a lowercase copy: Content-Type and Cache-Control,
      // which most requests carry, have the lengths of these two names.
      case 12:
        if (startsWithLetter(name, 0x6e /* n */) && name.toLowerCase() === 'nano-api-key')
          (apiKeys ??= []).push(raw[i + 1]);
        break;
      case 13:
        if (startsWithLetter(name, 0x61 /* a */) && name.toLowerCase() === 'authorization')
          (authorizations ??= []).push(raw[i + 1]);
        break;
      case 19:
        if (
          correlationId === undefined &&
          startsWithLetter(name, 0x6e /* n */) &&
          name.toLowerCase() === 'nano-correlation-id'
        )
          correlationId = raw[i + 1];
        break;
      default:
        break;
    }
  }
  return { contentLength, apiKeys, authorizations, correlationId };
}

/** Whether `name` starts with the ASCII letter `lower` (its lowercase code), in either case. */
function startsWithLetter(name: string, lower: number): boolean {
  return (name.charCodeAt(0) | 0x20) === lower;
}
