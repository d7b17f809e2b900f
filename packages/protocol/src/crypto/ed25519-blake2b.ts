import { blake2b } from './blake2b';

/**
 * Ed25519 with BLAKE2b-512 in place of SHA-512: Nano's signature scheme.
 * node:crypto's Ed25519 is fixed to SHA-512, so this is a small BigInt
 * implementation after RFC 8032 §5.1 (extended coordinates). It is not
 * constant-time: it serves the embedded backend's in-memory wallet and block
 * checks (test and development ledgers), never a node's real keys.
 */

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function mod(a: bigint, m = P): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function pow(base: bigint, exponent: bigint, m = P): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

const inv = (x: bigint): bigint => pow(x, P - 2n);
const D = mod(-121665n * inv(121666n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

type Point = readonly [bigint, bigint, bigint, bigint];

function add(p: Point, q: Point): Point {
  const a = mod((p[1] - p[0]) * (q[1] - q[0]));
  const b = mod((p[1] + p[0]) * (q[1] + q[0]));
  const c = mod(2n * p[3] * q[3] * D);
  const d = mod(2n * p[2] * q[2]);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function multiply(scalar: bigint, point: Point): Point {
  let q: Point = [0n, 1n, 1n, 0n];
  let p = point;
  let s = scalar;
  while (s > 0n) {
    if (s & 1n) q = add(q, p);
    p = add(p, p);
    s >>= 1n;
  }
  return q;
}

function recoverX(y: bigint, sign: bigint): bigint | null {
  if (y >= P) return null;
  const x2 = mod((y * y - 1n) * inv(D * y * y + 1n));
  if (x2 === 0n) return sign ? null : 0n;
  let x = pow(x2, (P + 3n) / 8n);
  if (mod(x * x - x2) !== 0n) x = mod(x * SQRT_M1);
  if (mod(x * x - x2) !== 0n) return null;
  if ((x & 1n) !== sign) x = P - x;
  return x;
}

const GY = mod(4n * inv(5n));
const GX = recoverX(GY, 0n)!;
const G: Point = [GX, GY, 1n, mod(GX * GY)];

function bytesToInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

function intToBytes(n: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  let v = n;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function compress(p: Point): Uint8Array {
  const zi = inv(p[2]);
  const x = mod(p[0] * zi);
  const y = mod(p[1] * zi);
  return intToBytes(y | ((x & 1n) << 255n));
}

function decompress(bytes: Uint8Array): Point | null {
  if (bytes.length !== 32) return null;
  let y = bytesToInt(bytes);
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  const x = recoverX(y, sign);
  if (x === null) return null;
  return [x, y, 1n, mod(x * y)];
}

function equal(p: Point, q: Point): boolean {
  return mod(p[0] * q[2] - q[0] * p[2]) === 0n && mod(p[1] * q[2] - q[1] * p[2]) === 0n;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

function expand(privateKey: Uint8Array): { scalar: bigint; prefix: Uint8Array } {
  const h = blake2b(privateKey, 64);
  let a = bytesToInt(h.subarray(0, 32));
  a &= (1n << 254n) - 8n;
  a |= 1n << 254n;
  return { scalar: a, prefix: h.subarray(32) };
}

/** The 32-byte public key of a 32-byte Nano private key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return compress(multiply(expand(privateKey).scalar, G));
}

/** A 64-byte signature of `message` (Nano signs the 32-byte block hash). */
export function sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  const { scalar, prefix } = expand(privateKey);
  const publicKey = compress(multiply(scalar, G));
  const r = mod(bytesToInt(blake2b(concat(prefix, message), 64)), L);
  const R = compress(multiply(r, G));
  const k = mod(bytesToInt(blake2b(concat(R, publicKey, message), 64)), L);
  const s = mod(r + k * scalar, L);
  return concat(R, intToBytes(s));
}

/** Verifies a Nano signature; false for any malformed input. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const A = decompress(publicKey);
  const R = decompress(signature.subarray(0, 32));
  if (A === null || R === null) return false;
  const s = bytesToInt(signature.subarray(32));
  if (s >= L) return false;
  const k = mod(bytesToInt(blake2b(concat(signature.subarray(0, 32), publicKey, message), 64)), L);
  return equal(multiply(s, G), add(R, multiply(k, A)));
}

/** Nano's deterministic key: BLAKE2b-256(seed ‖ be32(index)). */
export function deterministicPrivateKey(seed: Uint8Array, index: number): Uint8Array {
  const idx = new Uint8Array(4);
  new DataView(idx.buffer).setUint32(0, index >>> 0, false);
  return blake2b(concat(seed, idx), 32);
}
