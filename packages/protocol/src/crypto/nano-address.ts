import { blake2b } from './blake2b';

/** Nano's base32 alphabet (no 0, 2, l, v). */
const ALPHABET = '13456789abcdefghijkmnopqrstuwxyz';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const ACCOUNT_CHARS = 60; // 52 for the 256-bit key (+4 pad bits), 8 for the 40-bit checksum

/**
 * Decodes a `nano_` / `xrb_` (also `nano-` / `xrb-`, the deprecated forms the
 * node still accepts) address to its 32-byte public key, or null when the prefix,
 * length, alphabet, padding or BLAKE2b-40 checksum is wrong.
 */
export function decodeAccount(address: unknown): Uint8Array | null {
  if (typeof address !== 'string') return null;
  let body: string;
  if (address.length === 64 && (address.startsWith('xrb_') || address.startsWith('xrb-'))) body = address.slice(4);
  else if (address.length === 65 && (address.startsWith('nano_') || address.startsWith('nano-'))) body = address.slice(5);
  else return null;
  // 4 zero pad bits precede the key: the first character is '1' or '3'.
  if (body[0] !== '1' && body[0] !== '3') return null;
  const bits = new Uint8Array(37); // 4 pad bits + 256 key bits + 40 checksum bits = 300 bits, MSB first
  let acc = 0;
  let accBits = 0;
  let out = 0;
  for (let i = 0; i < ACCOUNT_CHARS; i++) {
    const code = body.charCodeAt(i);
    const value = code < 128 ? DECODE[code] : -1;
    if (value < 0) return null;
    acc = (acc << 5) | value;
    accBits += 5;
    if (accBits >= 8) {
      accBits -= 8;
      bits[out++] = (acc >>> accBits) & 0xff;
      acc &= (1 << accBits) - 1;
    }
  }
  // 300 bits = 37 bytes + 4 bits; drop the leading 4 pad bits by shifting the whole array.
  const all = new Uint8Array(38);
  all.set(bits.subarray(0, out));
  all[out] = (acc << (8 - accBits)) & 0xff;
  const shifted = new Uint8Array(37);
  for (let i = 0; i < 37; i++) shifted[i] = ((all[i] << 4) | (all[i + 1] >>> 4)) & 0xff;
  const key = shifted.subarray(0, 32);
  const checksum = shifted.subarray(32, 37);
  const expected = blake2b(key, 5);
  // The checksum is the BLAKE2b-40 digest in reversed byte order.
  for (let i = 0; i < 5; i++) if (checksum[i] !== expected[4 - i]) return null;
  return key.slice();
}

/** True when `address` is a well-formed Nano address with a valid checksum. */
export function isValidAccount(address: unknown): boolean {
  return decodeAccount(address) !== null;
}

function encodeBits(bytes: Uint8Array, padBits: number): string {
  let result = '';
  let acc = 0;
  let accBits = padBits; // leading zero pad bits
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    accBits += 8;
    while (accBits >= 5) {
      accBits -= 5;
      result += ALPHABET[(acc >>> accBits) & 31];
    }
    acc &= (1 << accBits) - 1;
  }
  return result;
}

/** Encodes a 32-byte public key as a `nano_` address. Throws on a wrong length (programming error). */
export function encodeAccount(publicKey: Uint8Array, prefix: 'nano_' | 'xrb_' = 'nano_'): string {
  if (publicKey.length !== 32) throw new RangeError('a Nano public key has 32 bytes');
  const checksum = blake2b(publicKey, 5).reverse();
  return prefix + encodeBits(publicKey, 4) + encodeBits(checksum, 0);
}

/** The public key of an address as 64 upper-case hex digits, or null. */
export function accountPublicKeyHex(address: string): string | null {
  const key = decodeAccount(address);
  return key ? Buffer.from(key).toString('hex').toUpperCase() : null;
}

/** Canonical `nano_` form of a valid address (xrb_ and dash forms normalised), or null. */
export function canonicalAccount(address: unknown): string | null {
  const key = decodeAccount(address);
  return key ? encodeAccount(key) : null;
}
