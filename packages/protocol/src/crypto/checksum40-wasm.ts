/**
 * The Nano address check's two loops in WebAssembly, for the request path: BLAKE2b-40 of one
 * 32-byte key (the address checksum), and the base32 decode of the address into that key.
 *
 * Why: the JavaScript compression (blake2b.ts) emulates each 64-bit word with two int32 halves,
 * and under callgrind the address check was ~18k instructions of a ~125k-instruction gateway
 * request, its largest single item (docs/performance.md). WebAssembly has 64-bit adds, xors and
 * rotates, so the same 12 rounds take about a quarter of the operations. hash-wasm was no faster
 * than the JavaScript (its per-call set-up); this module does its two things only: no set-up, no
 * allocation, no copy (the key is decoded straight into the module's memory; wasmAddressDecoder
 * says why the decode is here too).
 *
 * The module is generated here rather than shipped as a binary, so that it can be read. Its
 * function `checksum` has no parameters and compresses the single last block (the key in bytes
 * 0–31 of the memory, the rest zero; counter 32) from the BLAKE2b-40 initial state and returns the
 * first five digest bytes as the number `d[0] + d[1]·2⁸ + … + d[4]·2³²`, as `checksum40` does.
 * The zero message words are left out of the additions. The tests compare it with `checksum40`
 * and node:crypto-checked vectors. Its function `decode` is listed above decodeFunctionBody.
 */

import { TextEncoder } from 'node:util';
import { checksum40, SIGMA } from './blake2b';

// The IV of BLAKE2b (RFC 7693), as 64-bit words.
const IV = [
  0x6a09e667f3bcc908n,
  0xbb67ae8584caa73bn,
  0x3c6ef372fe94f82bn,
  0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n,
  0x9b05688c2b3e6c1fn,
  0x1f83d9abfb41bd6bn,
  0x5be0cd19137e2179n,
];

/** The eight G calls of a round: the state words each mixes. */
const G_WORDS = [
  [0, 4, 8, 12],
  [1, 5, 9, 13],
  [2, 6, 10, 14],
  [3, 7, 11, 15],
  [0, 5, 10, 15],
  [1, 6, 11, 12],
  [2, 7, 8, 13],
  [3, 4, 9, 14],
];

// WebAssembly opcodes used below.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const I64_LOAD = 0x29;
const I64_ADD = 0x7c;
const I64_AND = 0x83;
const I64_XOR = 0x85;
const I64_ROTR = 0x8a;
const F64_CONVERT_I64_U = 0xba;
const END = 0x0b;
const I32_LOAD8_U = 0x2d;
const I32_LT_U = 0x49;
const I32_OR = 0x72;
const LOCAL_TEE = 0x22;
const I64_STORE8 = 0x3c;
const I64_SHL = 0x86;
const I64_OR = 0x84;
const I64_SHR_U = 0x88;
const I64_EXTEND_I32_U = 0xad;

/** Locals: v0–v15 are 0–15, the four key words m0–m3 are 16–19 (m4–m15 are zero). */
const M_LOCAL = 16;

/** The digest length (5), key length 0, fanout 1, depth 1: the parameter block's first word. */
const PARAMS = 0x01010005n;
/** The message length in the last (only) block. */
const COUNTER = 32n;
const MASK40 = 0xffffffffffn;

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 of a 64-bit two's-complement value. */
function sleb64(value: bigint): number[] {
  let v = BigInt.asIntN(64, value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signClear = (byte & 0x40) === 0;
    if ((v === 0n && signClear) || (v === -1n && !signClear)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** The function body: load the key, set up v, 12 rounds, the first digest word's low 40 bits. */
function body(): number[] {
  const code: number[] = [];
  const get = (local: number): void => void code.push(LOCAL_GET, local);
  const set = (local: number): void => void code.push(LOCAL_SET, local);
  const constant = (value: bigint): void => void code.push(I64_CONST, ...sleb64(value));
  for (let k = 0; k < 4; k++) {
    code.push(I32_CONST, 0, I64_LOAD, 3, ...uleb(8 * k));
    set(M_LOCAL + k);
  }
  const h0 = IV[0] ^ PARAMS;
  for (let i = 0; i < 8; i++) {
    constant(i === 0 ? h0 : IV[i]);
    set(i);
  }
  for (let i = 0; i < 8; i++) {
    // v12 ^= the counter's low word (its high word, v13, stays: 0); v14 = ~v14 (the last block).
    constant(i === 4 ? IV[4] ^ COUNTER : i === 6 ? ~IV[6] : IV[i]);
    set(8 + i);
  }
  // a = a + b (+ m); d = (d ^ a) >>> r; …: the message word is added only when it is not zero.
  const addWord = (a: number, b: number, word: number): void => {
    get(a);
    get(b);
    code.push(I64_ADD);
    if (word < 4) {
      get(M_LOCAL + word);
      code.push(I64_ADD);
    }
    set(a);
  };
  const xorRotate = (d: number, a: number, bits: number): void => {
    get(d);
    get(a);
    code.push(I64_XOR);
    constant(BigInt(bits));
    code.push(I64_ROTR);
    set(d);
  };
  const addTo = (c: number, d: number): void => {
    get(c);
    get(d);
    code.push(I64_ADD);
    set(c);
  };
  for (const sigma of SIGMA) {
    G_WORDS.forEach(([a, b, c, d], g) => {
      addWord(a, b, sigma[2 * g]);
      xorRotate(d, a, 32);
      addTo(c, d);
      xorRotate(b, c, 24);
      addWord(a, b, sigma[2 * g + 1]);
      xorRotate(d, a, 16);
      addTo(c, d);
      xorRotate(b, c, 63);
    });
  }
  // h0' = h0 ^ v0 ^ v8; its low 40 bits are the digest's first five bytes (little-endian).
  constant(h0);
  get(0);
  code.push(I64_XOR);
  get(8);
  code.push(I64_XOR);
  constant(MASK40);
  code.push(I64_AND, F64_CONVERT_I64_U, END);
  const locals = [1, ...uleb(20), 0x7e]; // one group: 20 × i64
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/** Where the address's characters are written (as UTF-8) for `decode`, and how many bytes fit. */
const ADDRESS_TEXT_AT = 64;
const ADDRESS_TEXT_BYTES = 72;
/** The base32 decode table: 256 bytes, a character's 5-bit value or 0xff for one outside the alphabet. */
const DECODE_TABLE_AT = 256;

/**
 * `decode(at) → 1 | 0`: the base32 decode of the 60 characters at byte `at` into bytes 0–36
 * (the key, then the written checksum), as decodeCharactersJs in nano-address.ts does it; 1 when
 * every character is in the alphabet. Straight-line code, no loop and no branch: the characters
 * come in groups whose bits fill whole bytes, 4 characters first (4 pad bits and 16 key bits: 2
 * bytes), then 7 groups of 8 (40 bits: 5 bytes). For each group, in WebAssembly terms:
 *
 *   w = 0                                              ;; i64
 *   for each character c of the group:
 *     v = table[mem[at + c]]; bad |= v; w = (w << 5) | v
 *   for each byte b of the group: mem[b] = w >> 8 × (the bytes after b)   ;; i64.store8
 *
 * and at the end `bad < 32` (the table has 0xff for a character outside the alphabet).
 */
function decodeFunctionBody(): number[] {
  const [AT, VALUE, BAD, WORD] = [0, 1, 2, 3]; // the parameter, two i32 locals, one i64
  const code: number[] = [];
  const memarg = (offset: number): number[] => [0, ...uleb(offset)];
  const i32 = (value: number): number[] => [I32_CONST, ...sleb64(BigInt(value))];
  const i64 = (value: number): number[] => [I64_CONST, ...sleb64(BigInt(value))];
  const group = (firstCharacter: number, characters: number, firstByte: number, bytes: number): void => {
    code.push(...i64(0), LOCAL_SET, WORD);
    for (let c = firstCharacter; c < firstCharacter + characters; c++) {
      code.push(LOCAL_GET, AT, I32_LOAD8_U, ...memarg(c), I32_LOAD8_U, ...memarg(DECODE_TABLE_AT), LOCAL_TEE, VALUE);
      code.push(LOCAL_GET, BAD, I32_OR, LOCAL_SET, BAD);
      code.push(LOCAL_GET, WORD, ...i64(5), I64_SHL, LOCAL_GET, VALUE, I64_EXTEND_I32_U, I64_OR, LOCAL_SET, WORD);
    }
    for (let b = 0; b < bytes; b++) {
      code.push(...i32(firstByte + b), LOCAL_GET, WORD, ...i64(8 * (bytes - 1 - b)), I64_SHR_U);
      code.push(I64_STORE8, ...memarg(0));
    }
  };
  group(0, 4, 0, 2);
  for (let g = 0; g < 7; g++) group(4 + 8 * g, 8, 2 + 5 * g, 5);
  code.push(LOCAL_GET, BAD, ...i32(32), I32_LT_U, END);
  const locals = [2, 2, 0x7f, 1, 0x7e]; // two groups: 2 × i32, 1 × i64
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function moduleBytes(): Uint8Array {
  const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [2, 0x60, 0, 1, 0x7c, 0x60, 1, 0x7f, 1, 0x7f]), // type 0: () → f64; type 1: (i32) → i32
    ...section(3, [2, 0, 1]), // function 0 (checksum) has type 0, function 1 (decode) type 1
    ...section(5, [1, 0x00, 1]), // one memory of one page, no maximum
    ...section(7, [3, ...name('memory'), 0x02, 0, ...name('checksum'), 0x00, 0, ...name('decode'), 0x00, 1]),
    ...section(10, [2, ...body(), ...decodeFunctionBody()]),
  ]);
}

/** The module's exports. */
interface Exports {
  memory: { buffer: ArrayBuffer };
  checksum: () => number;
  decode: (at: number) => number;
}

/** The part of the WebAssembly global used here (the project's TypeScript lib has no WebAssembly types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Exports };
}

/**
 * The module's exports, or null where WebAssembly is not available (`node --jitless`, a runtime
 * built without it): the address check then runs the JavaScript decode and compression, slower
 * and the same.
 */
function instantiate(): Exports | null {
  const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly?: WebAssemblyApi };
  if (wasm === undefined) return null;
  try {
    return new wasm.Instance(new wasm.Module(moduleBytes())).exports;
  } catch {
    return null;
  }
}

const exported = instantiate();

/**
 * The module's memory, bytes 0–31 of which are the key `wasmChecksum40` hashes. Never grown, so
 * a view of it stays valid: the address decoder decodes into it directly.
 */
export const CHECKSUM40_INPUT = new Uint8Array(exported?.memory.buffer ?? new ArrayBuffer(64), 0, 64);

/** BLAKE2b-40 of bytes 0–31 of CHECKSUM40_INPUT, as the number `checksum40` returns. */
export const wasmChecksum40: () => number = exported?.checksum ?? (() => checksum40(CHECKSUM40_INPUT));

/**
 * The module's base32 decode for `alphabet` (32 characters): `(address, offset)` decodes the 60
 * characters after an `offset`-character prefix into bytes 0–36 of CHECKSUM40_INPUT and says
 * whether every one is in the alphabet. Null without WebAssembly.
 *
 * Why: in JavaScript each `charCodeAt` of the loop costs ~50 instructions (V8 re-checks the
 * string's representation on every character), ~3k per address; TextEncoder's `encodeInto` writes
 * the address into the module's memory in one native call (~1k) and the module's straight-line
 * decode takes ~8 per character (~0.5k). Only an all-ASCII address is written byte for byte (UTF-8), so any other is refused
 * before the module reads a byte; the alphabet is ASCII.
 */
export function wasmAddressDecoder(alphabet: string): ((address: string, offset: number) => boolean) | null {
  if (exported === null) return null;
  const { decode } = exported;
  const table = new Uint8Array(exported.memory.buffer, DECODE_TABLE_AT, 256).fill(0xff);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  const text = new Uint8Array(exported.memory.buffer, ADDRESS_TEXT_AT, ADDRESS_TEXT_BYTES);
  const encoder = new TextEncoder();
  return (address, offset) => {
    const { read, written } = encoder.encodeInto(address, text);
    return read === address.length && written === read && decode(ADDRESS_TEXT_AT + offset) === 1;
  };
}
