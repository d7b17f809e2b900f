// Buffer from its module, not the global: V8's optimized code looks a global up through an inline
// cache call at each use (LoadGlobalIC), a module's binding it reads directly (callgrind: ~250
// fewer instructions an IPC answer).
import { Buffer } from 'node:buffer';

// Matches every code unit outside printable-or-control ASCII; JSON.stringify
// already escapes control characters, and lone surrogates become \uXXXX escapes
// on their own (well-formed JSON.stringify), so this only meets U+0080 and up.
const NON_ASCII = /[\u0080-\uffff]/g;
const ALL_ASCII = /^[\u0000-\u007f]*$/;

/** Objects nested deeper than this (envelope → message → options) are written by JSON.stringify. */
const MAX_FAST_DEPTH = 3;

function escape(char: string): string {
  return '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
}

/** JSON.stringify's text made ASCII. */
function nativeAscii(value: unknown): string | undefined {
  const text = JSON.stringify(value);
  if (text === undefined) return undefined;
  // Most answers are ASCII already. One regex test (V8 scans a one-byte string natively)
  // costs about a quarter of a charCodeAt loop over the same text.
  return ALL_ASCII.test(text) ? text : text.replace(NON_ASCII, escape);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && !Array.isArray(value);
}

/**
 * JSON text that is pure ASCII (non-ASCII as \uXXXX): the nano-ipc npm client
 * counts characters, not bytes, when it reads a length-prefixed response.
 * Characters outside the BMP become a surrogate pair of escapes, as JSON wants.
 * `undefined` (or a function) at the top level gives "null", so the result is always JSON.
 *
 * JSON.stringify's text, then the escape. The servers write answers with encodeAsciiJson, whose
 * bytes are this text.
 */
export function stringifyAscii(value: unknown): string {
  return nativeAscii(value) ?? 'null';
}

// --- Straight to bytes ----------------------------------------------------------------------------

/**
 * Bytes of the slab that encodeAsciiJson writes answers into. Each answer is handed out as a view
 * of the slab where it was written, and the next one is written after it, so no answer is copied
 * and none is ever written over; a slab with less than SLAB_RESERVE bytes left is left to its
 * answers and a new one started. An answer that does not fit in an empty slab is made as text
 * (stringifyAscii) into a Buffer of its own.
 *
 * 8 KiB, as Node's own pool for small Buffers (which the answers came from before): an answer
 * held (a client that does not read) keeps its slab alive, so a larger slab would let a client
 * pin more memory per answer than the byte budgets count. It pins no more than before.
 */
const SLAB_BYTES = 8 * 1024;
const SLAB_RESERVE = 512;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
/** The slab's memory: allocUnsafeSlow never takes from Node's pool, so the slab starts at its offset 0. */
let slabMemory = slab.buffer;
/** Where the answer being written started, and where its next byte goes. */
let start = 0;
let at = 0;
/** Thrown (never seen outside) when the answer being written does not fit in the slab. */
const SLAB_FULL = new RangeError('slab full');
/** An answer is being written (a getter or toJSON that encodes another one gets the text path). */
let writing = false;

function room(bytes: number): void {
  if (at + bytes > SLAB_BYTES) throw SLAB_FULL;
}

// The loops below copy into locals (`bytes`, `to`) and store `at` once at the end: `slab` and `at`
// are module variables, and V8 loads and stores such a variable in memory at every use, where a
// local stays in a register (about half of the loops' time).

/** Text already ASCII (JSON.stringify's, escaped), one byte per character. */
function putAscii(text: string): void {
  const length = text.length;
  room(length);
  const bytes = slab;
  const to = at;
  for (let i = 0; i < length; i++) bytes[to + i] = text.charCodeAt(i);
  at = to + length;
}

/** The longest string whose JSON bytes are kept in WRITTEN_STRINGS, and how many are kept. */
const MEMO_MAX_CHARACTERS = 32;
const MEMO_MAX_ENTRIES = 1024;

/**
 * The JSON bytes (quotes and escapes included) of short strings already written, by the string:
 * the keys of every answer and the names in it (`"message_type"`, `"AccountWeightResponse"`) come
 * back with every answer, and one native copy of their bytes (TypedArray `set`) costs a fraction
 * of the loop below, which V8 runs at ~30 instructions a character (it re-checks the string's
 * representation and the slab's map at each one).
 *
 * - Strings longer than MEMO_MAX_CHARACTERS are never kept: they are the answers' data (amounts of
 *   whole nano, hashes, accounts). A short value (a small amount, an error text) may be kept like
 *   a name; its bytes are the same in every answer that has it. Nothing is kept per answer.
 * - Bounded, as everything a client can make us hold: the first MEMO_MAX_ENTRIES short strings
 *   are kept (the names come with the first answers), later ones are written by the loop; at most
 *   1024 × 194 bytes (every character escaped as \uXXXX).
 * - Each entry is a copy, so it pins no slab; Map keys compare strings by content, so an entry is
 *   right for any string equal to it.
 */
const WRITTEN_STRINGS = new Map<string, Uint8Array>();

/**
 * TypedArray's `set`, called on the slab. `slab.set(…)` ran V8's generic property lookup (LoadIC,
 * ~100 instructions) at every call in the optimized code, where a call of the function held here
 * does not look anything up (callgrind: ~550 fewer instructions an AccountWeight answer).
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(slab, …)
const typedArraySet = Uint8Array.prototype.set;

/** A string as JSON: its kept bytes, else putStringBytes (keeping them when the string is short). */
function putString(text: string): void {
  if (text.length > MEMO_MAX_CHARACTERS) {
    putStringBytes(text);
    return;
  }
  const kept = WRITTEN_STRINGS.get(text);
  if (kept !== undefined) {
    const length = kept.length;
    room(length);
    typedArraySet.call(slab, kept, at);
    at += length;
    return;
  }
  const from = at;
  putStringBytes(text);
  if (WRITTEN_STRINGS.size < MEMO_MAX_ENTRIES) WRITTEN_STRINGS.set(text, new Uint8Array(slab.subarray(from, at)));
}

/** The number of strings whose bytes are kept (for the tests of the bound). */
export function writtenStringsKept(): number {
  return WRITTEN_STRINGS.size;
}

/** A string as JSON: itself between quotes when plain, else JSON.stringify's escapes made ASCII. */
function putStringBytes(text: string): void {
  const length = text.length;
  room(length + 2);
  const bytes = slab;
  const quoteAt = at;
  bytes[quoteAt] = 0x22;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    // Printable ASCII but `"` and `\`: the plain string, tested a character at a time as it is copied.
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
      putAscii(nativeAscii(text)!);
      return;
    }
    bytes[quoteAt + 1 + i] = code;
  }
  bytes[quoteAt + 1 + length] = 0x22;
  at = quoteAt + 2 + length;
}

/**
 * A number as JSON.stringify writes it. A whole number from 0 to 2^53 (every envelope's `time`)
 * is its digits, written here in two int32 halves of eight digits (V8 divides an int32 by 10 with
 * a multiplication), without a string made for them; any other goes by String(), and NaN and the
 * infinities are null.
 */
function putNumber(value: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER)) {
    putAscii(Number.isFinite(value) ? String(value) : 'null');
    return;
  }
  if (value < 1e8) {
    putDigits(value, 1); // -0 too: written 0, as JSON.stringify writes it
    return;
  }
  // Exact: value / 10^8 is below 2^27, where half a unit in the last place (≤ 2^-27) is less than
  // its distance to the next whole number (≥ 10^-8), so the division never rounds up to it; and
  // high · 10^8 and the difference are whole numbers below 2^53.
  const high = Math.floor(value / 1e8);
  const low = value - high * 1e8;
  putDigits(high, 1);
  putDigits(low, 8);
}

/** The digits of `x` (a whole number below 10^8), at least `width` of them (leading zeros). */
function putDigits(x: number, width: number): void {
  let digits = 1;
  for (let power = 10; power <= x; power *= 10) digits++;
  if (digits < width) digits = width;
  room(digits);
  const bytes = slab;
  const first = at;
  let rest = x | 0;
  for (let to = first + digits - 1; to >= first; to--) {
    const tens = (rest / 10) | 0;
    bytes[to] = 0x30 + rest - tens * 10;
    rest = tens;
  }
  at = first + digits;
}

/** `value`'s JSON, as stringifyAscii writes it; false where JSON.stringify omits it (nothing written). */
function putValue(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      putString(value);
      return true;
    case 'number':
      putNumber(value);
      return true;
    case 'boolean':
      putAscii(value ? 'true' : 'false');
      return true;
    case 'object':
      if (value === null) putAscii('null');
      else if (depth < MAX_FAST_DEPTH && isPlainObject(value)) putObject(value, depth + 1);
      else return putText(nativeAscii(value));
      return true;
    default:
      return putText(nativeAscii(value));
  }
}

function putText(text: string | undefined): boolean {
  if (text === undefined) return false;
  putAscii(text);
  return true;
}

function putObject(object: Record<string, unknown>, depth: number): void {
  room(1);
  slab[at++] = 0x7b;
  const open = at;
  // for-in, not Object.keys: V8 walks a plain object's own keys from its map's enum cache and
  // loads each value by field index, where `object[keys[i]]` is a megamorphic keyed lookup per
  // key and the key array an allocation per object. The own-property test keeps to the keys
  // JSON.stringify writes (V8 folds it away in this loop shape while the enum cache holds).
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const value = object[key];
    const mark = at;
    if (at !== open) {
      room(1);
      slab[at++] = 0x2c;
    }
    putString(key);
    room(1);
    slab[at++] = 0x3a;
    if (!putValue(value, depth)) at = mark; // omitted, as JSON.stringify omits it: key and comma too
  }
  room(1);
  slab[at++] = 0x7d;
}

/**
 * stringifyAscii's text as bytes, after `headroom` bytes left for the caller (the IPC frame's
 * length): the same bytes as `Buffer.from(stringifyAscii(value), 'latin1')` behind the headroom.
 * The headroom's bytes are not initialised.
 *
 * Small plain objects (every envelope and its message) are written here key by key: for an answer
 * of a hundred bytes JSON.stringify's fixed price per call dominates, and a text made by
 * concatenation would be flattened by the copy into bytes; here the bytes are written once, where
 * they are sent from. Arrays, deeper objects, anything with a prototype (toJSON) and strings that
 * need escapes are written from JSON.stringify's text.
 */
export function encodeAsciiJson(value: unknown, headroom = 0): Buffer {
  if (writing || headroom >= SLAB_RESERVE) return asciiJsonFromText(value, headroom);
  if (SLAB_BYTES - at < SLAB_RESERVE) newSlab();
  writing = true;
  try {
    const written = tryWrite(value, headroom);
    if (written !== null) return written;
    // Too large for what was left of the slab: once more at the start of a new one.
    if (start > 0) {
      newSlab();
      const again = tryWrite(value, headroom);
      if (again !== null) return again;
    }
  } finally {
    writing = false;
  }
  return asciiJsonFromText(value, headroom);
}

function newSlab(): void {
  slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  slabMemory = slab.buffer;
  at = 0;
}

/** The answer written at `at`, as a view of the slab; null when it does not fit in the slab (nothing kept). */
function tryWrite(value: unknown, headroom: number): Buffer | null {
  start = at;
  at += headroom;
  try {
    if (!putValue(value, 0)) putAscii('null');
  } catch (error) {
    at = start;
    if (error === SLAB_FULL) return null;
    throw error;
  }
  // Not slab.subarray(): Node's subarray reads the slab's length, buffer and byteOffset, and V8's
  // optimized code reads each of those through its generic property lookup (~100 instructions
  // apiece, callgrind); Buffer.from on the memory at hand makes the same view without them.
  return Buffer.from(slabMemory, start, at - start);
}

/** encodeAsciiJson by way of the text: for an answer larger than a slab. */
function asciiJsonFromText(value: unknown, headroom: number): Buffer {
  const text = stringifyAscii(value);
  const out = Buffer.allocUnsafe(headroom + text.length);
  out.write(text, headroom, 'latin1');
  return out;
}
