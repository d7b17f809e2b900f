import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface HttpCall {
  method?: string;
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Local address to send from (metrics allow list tests). */
  localAddress?: string;
  /** Trusted CA for https (the self-signed certificate). */
  ca?: string;
}

/** One real HTTP(S) request; resolves with the whole answer. */
export function call(baseUrl: string, options: HttpCall = {}): Promise<HttpAnswer> {
  const url = new URL(options.path ?? '/', baseUrl);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method ?? 'POST',
        headers: options.headers,
        localAddress: options.localAddress,
        ca: options.ca,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A Buffer, not a string: node writes the header block together with a string
    // first chunk in that chunk's encoding (UTF-8), which would re-encode latin1 header bytes.
    req.end(typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body);
  });
}

/** POST a JSON value. */
export function postJson(
  baseUrl: string,
  path: string,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): Promise<HttpAnswer> {
  return call(baseUrl, {
    path,
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Polls `check` until it returns true (no fixed sleeps). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
