import { encodeAsciiJson } from '@nano-access/protocol';
/** The node's IPC framing (docs/wire.md): 'N' ENCODING 0 0, be32(length), payload; responses be32(length), payload. */

export const PREAMBLE_LEAD = 0x4e; // 'N'
export const PREAMBLE_BYTES = 4;
export const LENGTH_BYTES = 4;

/** The four encodings of the node's IPC. */
export type Encoding = 1 | 2 | 3 | 4;

export function isEncoding(value: number): value is Encoding {
  return value === 1 || value === 2 || value === 3 || value === 4;
}

/** One request frame: preamble, be32 length, payload, in one buffer (one socket write). */
export function encodeRequest(encoding: Encoding, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREAMBLE_BYTES + LENGTH_BYTES + payload.length);
  out[0] = PREAMBLE_LEAD;
  out[1] = encoding;
  out[2] = 0;
  out[3] = 0;
  out.writeUInt32BE(payload.length, 4);
  out.set(payload, 8);
  return out;
}

/** One response frame: be32 length, payload, in one buffer. */
export function encodeResponse(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(LENGTH_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, 4);
  return out;
}

/**
 * A response frame of `value` as pure-ASCII JSON (stringifyAscii's text, one byte per character),
 * written straight after the length (encodeAsciiJson): no text is built and copied per answer.
 */
export function encodeAsciiResponse(value: unknown): Buffer {
  const out = encodeAsciiJson(value, LENGTH_BYTES);
  // The be32 length byte by byte: writeUInt32BE cost ~440 instructions more an answer under
  // callgrind (its method lookup and range check), on the path of every IPC answer.
  const length = out.length - LENGTH_BYTES;
  out[0] = length >>> 24;
  out[1] = (length >>> 16) & 0xff;
  out[2] = (length >>> 8) & 0xff;
  out[3] = length & 0xff;
  return out;
}
