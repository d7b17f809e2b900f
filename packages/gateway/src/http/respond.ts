import type { ServerResponse } from 'node:http';
import { CORS_HEADERS } from './cors';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Writes a JSON response. Everything a client sent (correlation ids, names)
 * reaches the body only through JSON.stringify, never by concatenation.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  extraHeaders?: Record<string, string>,
): void {
  const body = JSON.stringify(value);
  const headers: Record<string, string | number> = {
    'access-control-allow-origin': CORS_HEADERS['access-control-allow-origin'],
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  };
  if (extraHeaders !== undefined) Object.assign(headers, extraHeaders);
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * A JSON answer of an operator endpoint (/metrics, /healthz): no CORS header, so a web page
 * a local browser opens cannot read it, and `nosniff`, so it cannot be loaded as a script.
 */
export function sendOperatorJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  extraHeaders?: Record<string, string>,
): void {
  const body = JSON.stringify(value);
  const headers: Record<string, string | number> = {
    ...OPERATOR_HEADERS,
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  };
  if (extraHeaders !== undefined) Object.assign(headers, extraHeaders);
  res.writeHead(status, headers);
  res.end(body);
}

/** A text answer of an operator endpoint (the Prometheus text): no CORS header, `nosniff`. */
export function sendOperatorText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, {
    ...OPERATOR_HEADERS,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const OPERATOR_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};
