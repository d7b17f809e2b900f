import { getRandomValues } from 'node:crypto';
import { blake2b } from './blake2b';
import { CHECKSUM40_INPUT, wasmAddressDecoder, wasmChecksum40 } from './checksum40-wasm';

/** Nano's base32 alphabet (no 0, 2, l, v). */
const ALPHABET = '13456789abcdefghijkmnopqrstuwxyz';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const ACCOUNT_CHARS = 60; // 52 for the 256-bit key (+4 pad bits), 8 for the 40-bit checksum

/**
 * The 37 decoded bytes of the last address read: the 32-byte key, then the
 * 5-byte checksum. Scratch space shared by every call (decoding is synchronous),
 * so checking an address allocates nothing; decodeAccount copies the key out.
 * It is the checksum module's input memory: the key is hashed where it is decoded.
 */
const BYTES = CHECKSUM40_INPUT.subarray(0, 37);

/**
 * The JavaScript base32 decode of the 60 characters after the prefix into BYTES; false on a
 * character outside the alphabet. Where WebAssembly is available the module's decode does this.
 */
function decodeCharactersJs(address: string, offset: number): boolean {
  // 300 bits = 4 pad + 256 key + 40 checksum; starting the bit count at -4 drops the pad.
  let acc = 0;
  let bits = -4;
  let out = 0;
  for (let i = offset; i < offset + ACCOUNT_CHARS; i++) {
    const code = address.charCodeAt(i);
    const value = code < 128 ? DECODE[code] : -1;
    if (value < 0) return false;
    acc = ((acc << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      BYTES[out++] = (acc >>> bits) & 0xff;
    }
  }
  return true;
}

const decodeCharacters = wasmAddressDecoder(ALPHABET) ?? decodeCharactersJs;

/** Decodes the 60 characters after the prefix into BYTES; false on a bad pad, alphabet or checksum. */
function decodeBody(address: string, offset: number): boolean {
  // 4 zero pad bits precede the key: the first character is '1' or '3'.
  const first = address.charCodeAt(offset);
  if (first !== 0x31 && first !== 0x33) return false;
  if (!decodeCharacters(address, offset)) return false;
  // The checksum is the BLAKE2b-40 digest in reversed byte order: BYTES[36] is the digest's first byte.
  const written = BYTES[36] + BYTES[35] * 0x100 + BYTES[34] * 0x10000 + BYTES[33] * 0x1000000 + BYTES[32] * 0x100000000;
  return written === wasmChecksum40();
}

function prefixLength(address: string): number {
  if (address.length === 64 && (address.startsWith('xrb_') || address.startsWith('xrb-'))) return 4;
  if (address.length === 65 && (address.startsWith('nano_') || address.startsWith('nano-'))) return 5;
  return -1;
}

/**
 * Decodes a `nano_` / `xrb_` (also `nano-` / `xrb-`, the deprecated forms the
 * node still accepts) address to its 32-byte public key, or null when the prefix,
 * length, alphabet, padding or BLAKE2b-40 checksum is wrong.
 */
export function decodeAccount(address: unknown): Uint8Array | null {
  if (typeof address !== 'string') return null;
  const offset = prefixLength(address);
  if (offset < 0) return null;
  return decodeBody(address, offset) ? BYTES.slice(0, 32) : null;
}

/** True when `address` is a well-formed Nano address with a valid checksum. Allocates nothing. */
export function isValidAccount(address: unknown): boolean {
  if (typeof address !== 'string') return false;
  const offset = prefixLength(address);
  return offset >= 0 && decodeBody(address, offset);
}

/**
 * The key's sixteen 16-bit halves in BYTES, and accountKeyDigest's random multiplier for each,
 * drawn once per process.
 */
const KEY_HALVES = new Uint16Array(BYTES.buffer, BYTES.byteOffset, 16);
const DIGEST_MULTIPLIERS = getRandomValues(new Int32Array(16));

/**
 * A 30-bit digest of a valid address's public key, or -1 when the address is not valid (as
 * isValidAccount). Every form of one account (`nano_`, `xrb_`, dashes) has the same digest.
 *
 * For tables keyed by account that a request reads (the embedded ledger's weights): the
 * dispatcher computes it while it checks the address, so the table is read with a small integer,
 * not by hashing the 65-character string (~1.3k instructions a lookup).
 *
 * It is Σ halfᵢ · mᵢ mod 2³², top 30 bits, with the mᵢ random per process: for any two different
 * keys, chosen without knowing the mᵢ, the chance that their digests collide is at most 2⁻¹⁷
 * (the sums' difference is uniform over the multiples of 2ᵗ, where t ≤ 15 is the fewest trailing
 * zeros of the halves' differences, and it must fall within ±3 of 0). An attacker who names the
 * accounts therefore cannot make a table keyed by it degrade, as they could with any fixed
 * function of the key (the key is theirs to choose). Tables must still compare the account itself.
 */
export function accountKeyDigest(address: unknown): number {
  return isValidAccount(address) ? decodedKeyDigest() : -1;
}

/** accountKeyDigest of the key decodeBody has just decoded into BYTES. */
function decodedKeyDigest(): number {
  const halves = KEY_HALVES;
  const multipliers = DIGEST_MULTIPLIERS;
  let sum = 0;
  for (let i = 0; i < 16; i++) sum = (sum + Math.imul(halves[i], multipliers[i])) | 0;
  return sum >>> 2;
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

/**
 * The `nano_` form of an address by its prefix and length alone, without the
 * checksum: for looking up maps whose keys were validated when inserted (an
 * invalid address can never equal a valid key, so it simply misses). Saves a
 * BLAKE2b per lookup on the request path, where the dispatcher has already
 * validated the address once.
 */
export function lookupKey(address: unknown): string | null {
  if (typeof address !== 'string') return null;
  const offset = prefixLength(address);
  return offset < 0 ? null : nanoForm(address, offset);
}

/**
 * The `nano_` form of an address whose prefix is `offset` characters long: the address itself
 * when it already has that prefix (every ordinary request), else the 60 characters after its
 * prefix behind `nano_`. No new string for the first: a concatenation would be flattened and
 * hashed anew by every map lookup, where the request's own string keeps its hash.
 */
function nanoForm(address: string, offset: number): string {
  return offset === 5 && address.charCodeAt(4) === 0x5f ? address : 'nano_' + address.slice(offset);
}

/** Canonical `nano_` form of a valid address (xrb_ and dash forms normalised), or null. */
export function canonicalAccount(address: unknown): string | null {
  if (typeof address !== 'string') return null;
  const offset = prefixLength(address);
  // Every valid form has the same 60 characters after its prefix.
  return offset >= 0 && decodeBody(address, offset) ? nanoForm(address, offset) : null;
}
