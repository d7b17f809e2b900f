/**
 * BLAKE2b-40 of one 32-byte key (a Nano address checksum) in WebAssembly, for the request path.
 *
 * Why: the JavaScript compression (blake2b.ts) emulates each 64-bit word with two int32 halves,
 * and under callgrind the address check was ~18k instructions of a ~125k-instruction gateway
 * request, its largest single item (docs/performance.md). WebAssembly has 64-bit adds, xors and
 * rotates, so the same 12 rounds take about a quarter of the operations. hash-wasm was no faster
 * than the JavaScript (its per-call set-up); this module does one thing only: no set-up, no
 * allocation, no copy (the caller decodes the key straight into the module's memory).
 *
 * The module is generated here rather than shipped as a binary, so that it can be read: one
 * function, no parameters, that compresses the single last block (the key in bytes 0–31 of the
 * memory, the rest zero; counter 32) from the BLAKE2b-40 initial state and returns the first five
 * digest bytes as the number `d[0] + d[1]·2⁸ + … + d[4]·2³²`, as `checksum40` does. The zero
 * message words are left out of the additions. The tests compare it with `checksum40` and
 * node:crypto-checked vectors.
 */

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

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function moduleBytes(): Uint8Array {
  const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 0, 1, 0x7c]), // type 0: () → f64
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, 1]), // one memory of one page, no maximum
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('checksum'), 0x00, 0]),
    ...section(10, [1, ...body()]),
  ]);
}

/** The part of the WebAssembly global used here (the project's TypeScript lib has no WebAssembly types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer }; checksum: () => number } };
}

/**
 * The module's exports, or null where WebAssembly is not available (`node --jitless`, a runtime
 * built without it): the address check then runs the JavaScript compression, slower and the same.
 */
function instantiate(): { memory: { buffer: ArrayBuffer }; checksum: () => number } | null {
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
