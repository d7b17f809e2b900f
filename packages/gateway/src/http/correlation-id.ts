/**
 * The Nano-Correlation-Id header as the client wrote it. Node hands header
 * bytes over as latin1; clients send UTF-8, so re-decode when that is valid
 * UTF-8, else keep the latin1 reading. Returns undefined when absent.
 */
export function correlationIdFromHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value;
  // Pure ASCII (the common case): nothing to re-decode.
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  const utf8 = bytes.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : text;
}
