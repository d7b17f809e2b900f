/**
 * BLAKE2b (RFC 7693) with any digest length from 1 to 64 bytes.
 *
 * Why not node:crypto: `createHash('blake2b512')` only produces 64-byte digests,
 * and BLAKE2b's digest length is part of its parameter block (it changes the
 * initial state), so a truncated BLAKE2b-512 is not BLAKE2b-40. Nano needs
 * BLAKE2b-40 (address checksums) and BLAKE2b-256 (block hashes). This is a
 * small, allocation-light implementation on 32-bit word pairs; the tests check
 * it against node:crypto's BLAKE2b-512 and against known Nano addresses.
 */

// The IV as [low, high] 32-bit halves of the eight 64-bit words.
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

const SIGMA = [
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
].map((row) => row.map((i) => i * 2));

// Scratch space reused by every call: hashing is synchronous, so no call can interleave.
const v = new Uint32Array(32);
const m = new Uint32Array(32);

/**
 * The G mixing function on word pairs (low word at even index). Written out
 * in full, with no helper calls, so V8 keeps every intermediate in a
 * register: this function is nearly all of BLAKE2b's cost.
 */
function mix(a: number, b: number, c: number, d: number, x: number, y: number): void {
  let alo = v[a];
  let ahi = v[a + 1];
  let blo = v[b];
  let bhi = v[b + 1];
  let clo = v[c];
  let chi = v[c + 1];
  let dlo = v[d];
  let dhi = v[d + 1];
  let t: number;

  // a = a + b + m[x]
  t = (alo >>> 0) + (blo >>> 0);
  ahi = (ahi + bhi + (t > 0xffffffff ? 1 : 0)) >>> 0;
  alo = t >>> 0;
  t = alo + m[x];
  ahi = (ahi + m[x + 1] + (t > 0xffffffff ? 1 : 0)) >>> 0;
  alo = t >>> 0;
  // d = rotr64(d ^ a, 32)
  t = (dlo ^ alo) >>> 0;
  dlo = (dhi ^ ahi) >>> 0;
  dhi = t;
  // c = c + d
  t = clo + dlo;
  chi = (chi + dhi + (t > 0xffffffff ? 1 : 0)) >>> 0;
  clo = t >>> 0;
  // b = rotr64(b ^ c, 24)
  let xlo = blo ^ clo;
  let xhi = bhi ^ chi;
  blo = ((xlo >>> 24) ^ (xhi << 8)) >>> 0;
  bhi = ((xhi >>> 24) ^ (xlo << 8)) >>> 0;
  // a = a + b + m[y]
  t = alo + blo;
  ahi = (ahi + bhi + (t > 0xffffffff ? 1 : 0)) >>> 0;
  alo = t >>> 0;
  t = alo + m[y];
  ahi = (ahi + m[y + 1] + (t > 0xffffffff ? 1 : 0)) >>> 0;
  alo = t >>> 0;
  // d = rotr64(d ^ a, 16)
  xlo = dlo ^ alo;
  xhi = dhi ^ ahi;
  dlo = ((xlo >>> 16) ^ (xhi << 16)) >>> 0;
  dhi = ((xhi >>> 16) ^ (xlo << 16)) >>> 0;
  // c = c + d
  t = clo + dlo;
  chi = (chi + dhi + (t > 0xffffffff ? 1 : 0)) >>> 0;
  clo = t >>> 0;
  // b = rotr64(b ^ c, 63) = rotl64(b ^ c, 1)
  xlo = blo ^ clo;
  xhi = bhi ^ chi;
  blo = ((xhi >>> 31) ^ (xlo << 1)) >>> 0;
  bhi = ((xlo >>> 31) ^ (xhi << 1)) >>> 0;

  v[a] = alo;
  v[a + 1] = ahi;
  v[b] = blo;
  v[b + 1] = bhi;
  v[c] = clo;
  v[c + 1] = chi;
  v[d] = dlo;
  v[d + 1] = dhi;
}

function compress(h: Uint32Array, block: Uint8Array, counter: number, last: boolean): void {
  for (let i = 0; i < 16; i++) {
    v[i] = h[i];
    v[i + 16] = IV[i];
  }
  // The byte counter fits in 53 bits here (inputs are in-memory buffers).
  v[24] ^= counter >>> 0;
  v[25] ^= Math.floor(counter / 0x100000000);
  if (last) {
    v[28] = ~v[28];
    v[29] = ~v[29];
  }
  for (let i = 0; i < 32; i++) {
    const o = i * 4;
    m[i] = block[o] ^ (block[o + 1] << 8) ^ (block[o + 2] << 16) ^ (block[o + 3] << 24);
  }
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r];
    mix(0, 8, 16, 24, s[0], s[1]);
    mix(2, 10, 18, 26, s[2], s[3]);
    mix(4, 12, 20, 28, s[4], s[5]);
    mix(6, 14, 22, 30, s[6], s[7]);
    mix(0, 10, 20, 30, s[8], s[9]);
    mix(2, 12, 22, 24, s[10], s[11]);
    mix(4, 14, 16, 26, s[12], s[13]);
    mix(6, 8, 18, 28, s[14], s[15]);
  }
  for (let i = 0; i < 16; i++) h[i] = h[i] ^ v[i] ^ v[i + 16];
}

/**
 * BLAKE2b digest of `input` (unkeyed) with `outputLength` bytes (1..64).
 * Throws a RangeError for an invalid length: a programming error.
 */
export function blake2b(input: Uint8Array, outputLength: number): Uint8Array {
  if (!Number.isInteger(outputLength) || outputLength < 1 || outputLength > 64) {
    throw new RangeError(`blake2b output length must be 1..64, got ${outputLength}`);
  }
  const h = new Uint32Array(IV);
  // Parameter block: digest length, key length 0, fanout 1, depth 1.
  h[0] ^= 0x01010000 ^ outputLength;
  const block = new Uint8Array(128);
  let offset = 0;
  // Every full block except the last one is compressed as not-last.
  while (input.length - offset > 128) {
    block.set(input.subarray(offset, offset + 128));
    offset += 128;
    compress(h, block, offset, false);
  }
  block.fill(0);
  block.set(input.subarray(offset));
  compress(h, block, input.length, true);
  const out = new Uint8Array(outputLength);
  for (let i = 0; i < outputLength; i++) out[i] = h[i >> 2] >>> (8 * (i & 3));
  return out;
}
