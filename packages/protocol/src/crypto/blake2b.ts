/**
 * BLAKE2b (RFC 7693) with any digest length from 1 to 64 bytes.
 *
 * Why not node:crypto: `createHash('blake2b512')` only produces 64-byte digests,
 * and BLAKE2b's digest length is part of its parameter block (it changes the
 * initial state), so a truncated BLAKE2b-512 is not BLAKE2b-40. Nano needs
 * BLAKE2b-40 (address checksums) and BLAKE2b-256 (block hashes). The tests check
 * this implementation against node:crypto's BLAKE2b-512 and known Nano addresses.
 *
 * Why it looks like this: every request that names an account pays one
 * BLAKE2b-40 of a 32-byte key (one block), so the compression function is the
 * protocol's hottest code. The sixteen 64-bit state words live in 32 local
 * int32 variables (low, high) for the whole compression, and the eight G calls
 * of a round are written out, so V8 keeps the state in registers instead of
 * loading and storing a typed array in every G; every addition is `| 0` (int32,
 * no heap numbers) with the carry taken from an unsigned compare. Nothing is
 * allocated per call except the returned digest (`checksum40` allocates
 * nothing). The figures, and why not a WebAssembly library: docs/protocol.md.
 * The request path's address check itself now hashes in checksum40-wasm.ts (64-bit arithmetic);
 * `checksum40` here stays as its reference and for callers outside that path.
 */

// The IV as [low, high] 32-bit halves of the eight 64-bit words.
const IV = new Int32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a, 0xade682d1,
  0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

/** The message schedule (sigma) of the 12 rounds: the message word each step of a round takes. */
export const SIGMA: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

// The same schedule flattened, as indices into M (word pairs: 2 × the word index).
const S = Uint8Array.from(SIGMA.flat().map((i) => i * 2));

// Scratch space reused by every call: hashing is synchronous, so no call can interleave.
/** The block being compressed, as little-endian 32-bit words. */
const M = new Int32Array(32);
/** The chaining state of checksum40 (one block; never escapes). */
const H40 = new Int32Array(16);

/**
 * The compression function F on the state h and the block in M. `counter` is
 * the byte count so far (it fits in 53 bits: inputs are in-memory buffers).
 * The round body below is G(v0,v4,v8,v12) … G(v3,v4,v9,v14) written out.
 */
function compress(h: Int32Array, counter: number, last: boolean): void {
  let v0l = h[0];
  let v0h = h[1];
  let v1l = h[2];
  let v1h = h[3];
  let v2l = h[4];
  let v2h = h[5];
  let v3l = h[6];
  let v3h = h[7];
  let v4l = h[8];
  let v4h = h[9];
  let v5l = h[10];
  let v5h = h[11];
  let v6l = h[12];
  let v6h = h[13];
  let v7l = h[14];
  let v7h = h[15];
  let v8l = IV[0];
  let v8h = IV[1];
  let v9l = IV[2];
  let v9h = IV[3];
  let v10l = IV[4];
  let v10h = IV[5];
  let v11l = IV[6];
  let v11h = IV[7];
  let v12l = IV[8];
  let v12h = IV[9];
  let v13l = IV[10];
  let v13h = IV[11];
  let v14l = IV[12];
  let v14h = IV[13];
  let v15l = IV[14];
  let v15h = IV[15];
  v12l ^= counter;
  v12h ^= Math.floor(counter / 0x100000000);
  if (last) {
    v14l = ~v14l;
    v14h = ~v14h;
  }
  let t: number;
  let u: number;
  let x: number;
  let y: number;
  for (let s = 0; s < 192; s += 16) {
    // G(v0, v4, v8, v12) with message words s[0], s[1]
    x = S[s + 0];
    y = S[s + 1];
    t = (v0l + v4l) | 0;
    v0h = (v0h + v4h + (t >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
    v0l = (t + M[x]) | 0;
    v0h = (v0h + M[x + 1] + (v0l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v12l ^ v0l;
    v12l = v12h ^ v0h;
    v12h = t;
    t = (v8l + v12l) | 0;
    v8h = (v8h + v12h + (t >>> 0 < v8l >>> 0 ? 1 : 0)) | 0;
    v8l = t;
    t = v4l ^ v8l;
    u = v4h ^ v8h;
    v4l = (t >>> 24) | (u << 8);
    v4h = (u >>> 24) | (t << 8);
    t = (v0l + v4l) | 0;
    v0h = (v0h + v4h + (t >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
    v0l = (t + M[y]) | 0;
    v0h = (v0h + M[y + 1] + (v0l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v12l ^ v0l;
    u = v12h ^ v0h;
    v12l = (t >>> 16) | (u << 16);
    v12h = (u >>> 16) | (t << 16);
    t = (v8l + v12l) | 0;
    v8h = (v8h + v12h + (t >>> 0 < v8l >>> 0 ? 1 : 0)) | 0;
    v8l = t;
    t = v4l ^ v8l;
    u = v4h ^ v8h;
    v4l = (t << 1) | (u >>> 31);
    v4h = (u << 1) | (t >>> 31);
    // G(v1, v5, v9, v13) with message words s[2], s[3]
    x = S[s + 2];
    y = S[s + 3];
    t = (v1l + v5l) | 0;
    v1h = (v1h + v5h + (t >>> 0 < v1l >>> 0 ? 1 : 0)) | 0;
    v1l = (t + M[x]) | 0;
    v1h = (v1h + M[x + 1] + (v1l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v13l ^ v1l;
    v13l = v13h ^ v1h;
    v13h = t;
    t = (v9l + v13l) | 0;
    v9h = (v9h + v13h + (t >>> 0 < v9l >>> 0 ? 1 : 0)) | 0;
    v9l = t;
    t = v5l ^ v9l;
    u = v5h ^ v9h;
    v5l = (t >>> 24) | (u << 8);
    v5h = (u >>> 24) | (t << 8);
    t = (v1l + v5l) | 0;
    v1h = (v1h + v5h + (t >>> 0 < v1l >>> 0 ? 1 : 0)) | 0;
    v1l = (t + M[y]) | 0;
    v1h = (v1h + M[y + 1] + (v1l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v13l ^ v1l;
    u = v13h ^ v1h;
    v13l = (t >>> 16) | (u << 16);
    v13h = (u >>> 16) | (t << 16);
    t = (v9l + v13l) | 0;
    v9h = (v9h + v13h + (t >>> 0 < v9l >>> 0 ? 1 : 0)) | 0;
    v9l = t;
    t = v5l ^ v9l;
    u = v5h ^ v9h;
    v5l = (t << 1) | (u >>> 31);
    v5h = (u << 1) | (t >>> 31);
    // G(v2, v6, v10, v14) with message words s[4], s[5]
    x = S[s + 4];
    y = S[s + 5];
    t = (v2l + v6l) | 0;
    v2h = (v2h + v6h + (t >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
    v2l = (t + M[x]) | 0;
    v2h = (v2h + M[x + 1] + (v2l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v14l ^ v2l;
    v14l = v14h ^ v2h;
    v14h = t;
    t = (v10l + v14l) | 0;
    v10h = (v10h + v14h + (t >>> 0 < v10l >>> 0 ? 1 : 0)) | 0;
    v10l = t;
    t = v6l ^ v10l;
    u = v6h ^ v10h;
    v6l = (t >>> 24) | (u << 8);
    v6h = (u >>> 24) | (t << 8);
    t = (v2l + v6l) | 0;
    v2h = (v2h + v6h + (t >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
    v2l = (t + M[y]) | 0;
    v2h = (v2h + M[y + 1] + (v2l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v14l ^ v2l;
    u = v14h ^ v2h;
    v14l = (t >>> 16) | (u << 16);
    v14h = (u >>> 16) | (t << 16);
    t = (v10l + v14l) | 0;
    v10h = (v10h + v14h + (t >>> 0 < v10l >>> 0 ? 1 : 0)) | 0;
    v10l = t;
    t = v6l ^ v10l;
    u = v6h ^ v10h;
    v6l = (t << 1) | (u >>> 31);
    v6h = (u << 1) | (t >>> 31);
    // G(v3, v7, v11, v15) with message words s[6], s[7]
    x = S[s + 6];
    y = S[s + 7];
    t = (v3l + v7l) | 0;
    v3h = (v3h + v7h + (t >>> 0 < v3l >>> 0 ? 1 : 0)) | 0;
    v3l = (t + M[x]) | 0;
    v3h = (v3h + M[x + 1] + (v3l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v15l ^ v3l;
    v15l = v15h ^ v3h;
    v15h = t;
    t = (v11l + v15l) | 0;
    v11h = (v11h + v15h + (t >>> 0 < v11l >>> 0 ? 1 : 0)) | 0;
    v11l = t;
    t = v7l ^ v11l;
    u = v7h ^ v11h;
    v7l = (t >>> 24) | (u << 8);
    v7h = (u >>> 24) | (t << 8);
    t = (v3l + v7l) | 0;
    v3h = (v3h + v7h + (t >>> 0 < v3l >>> 0 ? 1 : 0)) | 0;
    v3l = (t + M[y]) | 0;
    v3h = (v3h + M[y + 1] + (v3l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v15l ^ v3l;
    u = v15h ^ v3h;
    v15l = (t >>> 16) | (u << 16);
    v15h = (u >>> 16) | (t << 16);
    t = (v11l + v15l) | 0;
    v11h = (v11h + v15h + (t >>> 0 < v11l >>> 0 ? 1 : 0)) | 0;
    v11l = t;
    t = v7l ^ v11l;
    u = v7h ^ v11h;
    v7l = (t << 1) | (u >>> 31);
    v7h = (u << 1) | (t >>> 31);
    // G(v0, v5, v10, v15) with message words s[8], s[9]
    x = S[s + 8];
    y = S[s + 9];
    t = (v0l + v5l) | 0;
    v0h = (v0h + v5h + (t >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
    v0l = (t + M[x]) | 0;
    v0h = (v0h + M[x + 1] + (v0l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v15l ^ v0l;
    v15l = v15h ^ v0h;
    v15h = t;
    t = (v10l + v15l) | 0;
    v10h = (v10h + v15h + (t >>> 0 < v10l >>> 0 ? 1 : 0)) | 0;
    v10l = t;
    t = v5l ^ v10l;
    u = v5h ^ v10h;
    v5l = (t >>> 24) | (u << 8);
    v5h = (u >>> 24) | (t << 8);
    t = (v0l + v5l) | 0;
    v0h = (v0h + v5h + (t >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
    v0l = (t + M[y]) | 0;
    v0h = (v0h + M[y + 1] + (v0l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v15l ^ v0l;
    u = v15h ^ v0h;
    v15l = (t >>> 16) | (u << 16);
    v15h = (u >>> 16) | (t << 16);
    t = (v10l + v15l) | 0;
    v10h = (v10h + v15h + (t >>> 0 < v10l >>> 0 ? 1 : 0)) | 0;
    v10l = t;
    t = v5l ^ v10l;
    u = v5h ^ v10h;
    v5l = (t << 1) | (u >>> 31);
    v5h = (u << 1) | (t >>> 31);
    // G(v1, v6, v11, v12) with message words s[10], s[11]
    x = S[s + 10];
    y = S[s + 11];
    t = (v1l + v6l) | 0;
    v1h = (v1h + v6h + (t >>> 0 < v1l >>> 0 ? 1 : 0)) | 0;
    v1l = (t + M[x]) | 0;
    v1h = (v1h + M[x + 1] + (v1l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v12l ^ v1l;
    v12l = v12h ^ v1h;
    v12h = t;
    t = (v11l + v12l) | 0;
    v11h = (v11h + v12h + (t >>> 0 < v11l >>> 0 ? 1 : 0)) | 0;
    v11l = t;
    t = v6l ^ v11l;
    u = v6h ^ v11h;
    v6l = (t >>> 24) | (u << 8);
    v6h = (u >>> 24) | (t << 8);
    t = (v1l + v6l) | 0;
    v1h = (v1h + v6h + (t >>> 0 < v1l >>> 0 ? 1 : 0)) | 0;
    v1l = (t + M[y]) | 0;
    v1h = (v1h + M[y + 1] + (v1l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v12l ^ v1l;
    u = v12h ^ v1h;
    v12l = (t >>> 16) | (u << 16);
    v12h = (u >>> 16) | (t << 16);
    t = (v11l + v12l) | 0;
    v11h = (v11h + v12h + (t >>> 0 < v11l >>> 0 ? 1 : 0)) | 0;
    v11l = t;
    t = v6l ^ v11l;
    u = v6h ^ v11h;
    v6l = (t << 1) | (u >>> 31);
    v6h = (u << 1) | (t >>> 31);
    // G(v2, v7, v8, v13) with message words s[12], s[13]
    x = S[s + 12];
    y = S[s + 13];
    t = (v2l + v7l) | 0;
    v2h = (v2h + v7h + (t >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
    v2l = (t + M[x]) | 0;
    v2h = (v2h + M[x + 1] + (v2l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v13l ^ v2l;
    v13l = v13h ^ v2h;
    v13h = t;
    t = (v8l + v13l) | 0;
    v8h = (v8h + v13h + (t >>> 0 < v8l >>> 0 ? 1 : 0)) | 0;
    v8l = t;
    t = v7l ^ v8l;
    u = v7h ^ v8h;
    v7l = (t >>> 24) | (u << 8);
    v7h = (u >>> 24) | (t << 8);
    t = (v2l + v7l) | 0;
    v2h = (v2h + v7h + (t >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
    v2l = (t + M[y]) | 0;
    v2h = (v2h + M[y + 1] + (v2l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v13l ^ v2l;
    u = v13h ^ v2h;
    v13l = (t >>> 16) | (u << 16);
    v13h = (u >>> 16) | (t << 16);
    t = (v8l + v13l) | 0;
    v8h = (v8h + v13h + (t >>> 0 < v8l >>> 0 ? 1 : 0)) | 0;
    v8l = t;
    t = v7l ^ v8l;
    u = v7h ^ v8h;
    v7l = (t << 1) | (u >>> 31);
    v7h = (u << 1) | (t >>> 31);
    // G(v3, v4, v9, v14) with message words s[14], s[15]
    x = S[s + 14];
    y = S[s + 15];
    t = (v3l + v4l) | 0;
    v3h = (v3h + v4h + (t >>> 0 < v3l >>> 0 ? 1 : 0)) | 0;
    v3l = (t + M[x]) | 0;
    v3h = (v3h + M[x + 1] + (v3l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v14l ^ v3l;
    v14l = v14h ^ v3h;
    v14h = t;
    t = (v9l + v14l) | 0;
    v9h = (v9h + v14h + (t >>> 0 < v9l >>> 0 ? 1 : 0)) | 0;
    v9l = t;
    t = v4l ^ v9l;
    u = v4h ^ v9h;
    v4l = (t >>> 24) | (u << 8);
    v4h = (u >>> 24) | (t << 8);
    t = (v3l + v4l) | 0;
    v3h = (v3h + v4h + (t >>> 0 < v3l >>> 0 ? 1 : 0)) | 0;
    v3l = (t + M[y]) | 0;
    v3h = (v3h + M[y + 1] + (v3l >>> 0 < t >>> 0 ? 1 : 0)) | 0;
    t = v14l ^ v3l;
    u = v14h ^ v3h;
    v14l = (t >>> 16) | (u << 16);
    v14h = (u >>> 16) | (t << 16);
    t = (v9l + v14l) | 0;
    v9h = (v9h + v14h + (t >>> 0 < v9l >>> 0 ? 1 : 0)) | 0;
    v9l = t;
    t = v4l ^ v9l;
    u = v4h ^ v9h;
    v4l = (t << 1) | (u >>> 31);
    v4h = (u << 1) | (t >>> 31);
  }
  h[0] ^= v0l ^ v8l;
  h[1] ^= v0h ^ v8h;
  h[2] ^= v1l ^ v9l;
  h[3] ^= v1h ^ v9h;
  h[4] ^= v2l ^ v10l;
  h[5] ^= v2h ^ v10h;
  h[6] ^= v3l ^ v11l;
  h[7] ^= v3h ^ v11h;
  h[8] ^= v4l ^ v12l;
  h[9] ^= v4h ^ v12h;
  h[10] ^= v5l ^ v13l;
  h[11] ^= v5h ^ v13h;
  h[12] ^= v6l ^ v14l;
  h[13] ^= v6h ^ v14h;
  h[14] ^= v7l ^ v15l;
  h[15] ^= v7h ^ v15h;
}

/** Loads `count` (≤ 128) bytes of `input` from `offset` into M, zero-padding the block. */
function loadBlock(input: Uint8Array, offset: number, count: number): void {
  if (count === 128) {
    for (let i = 0, o = offset; i < 32; i++, o += 4) {
      M[i] = input[o] | (input[o + 1] << 8) | (input[o + 2] << 16) | (input[o + 3] << 24);
    }
    return;
  }
  M.fill(0);
  for (let i = 0; i < count; i++) M[i >> 2] |= input[offset + i] << (8 * (i & 3));
}

/**
 * BLAKE2b digest of `input` (unkeyed) with `outputLength` bytes (1..64).
 * Throws a RangeError for an invalid length: a programming error.
 */
export function blake2b(input: Uint8Array, outputLength: number): Uint8Array {
  if (!Number.isInteger(outputLength) || outputLength < 1 || outputLength > 64) {
    throw new RangeError(`blake2b output length must be 1..64, got ${outputLength}`);
  }
  const h = new Int32Array(IV);
  // Parameter block: digest length, key length 0, fanout 1, depth 1.
  h[0] ^= 0x01010000 ^ outputLength;
  let offset = 0;
  // Every full block except the last one is compressed as not-last.
  while (input.length - offset > 128) {
    loadBlock(input, offset, 128);
    offset += 128;
    compress(h, offset, false);
  }
  loadBlock(input, offset, input.length - offset);
  compress(h, input.length, true);
  const out = new Uint8Array(outputLength);
  for (let i = 0; i < outputLength; i++) out[i] = h[i >> 2] >>> (8 * (i & 3));
  return out;
}

/**
 * BLAKE2b-40 of the 32 bytes of `key` from `offset` (a Nano public key), as
 * the number `d[0] + d[1]·2⁸ + … + d[4]·2³²` of its digest bytes d. Allocates
 * nothing: it is the address checksum of every request that names an account.
 */
export function checksum40(key: Uint8Array, offset = 0): number {
  H40.set(IV);
  H40[0] ^= 0x01010000 ^ 5;
  for (let i = 0, o = offset; i < 8; i++, o += 4)
    M[i] = key[o] | (key[o + 1] << 8) | (key[o + 2] << 16) | (key[o + 3] << 24);
  M.fill(0, 8);
  compress(H40, 32, true);
  return (H40[0] >>> 0) + (H40[1] & 0xff) * 0x100000000;
}
