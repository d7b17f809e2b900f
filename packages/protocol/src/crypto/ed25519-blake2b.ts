import type { EdDSA } from '@noble/curves/abstract/edwards.js';
import { blake2b } from './blake2b';

/**
 * Nano's signature scheme: Ed25519 with BLAKE2b-512 in place of SHA-512, from @noble/curves
 * (audited, maintained, constant-time scalar multiplication) over @noble/hashes' BLAKE2b. The
 * curve, the encoding and the scalar clamping are Ed25519's; only the hash differs, so the
 * generic `eddsa` construction over noble's own Ed25519 point is the whole of it. Checked
 * against the node documentation's published key pairs (test/crypto). Why a library here and
 * a hand-written BLAKE2b for address checksums: docs/architecture.md.
 *
 * Built, and noble loaded, on first use: only the embedded backend signs or verifies, and a
 * process forwarding to a node (the node-rpc backend) should not hold noble's modules in memory
 * (docs/performance.md, "Memory"; a test checks they stay unloaded).
 */
let curve: EdDSA | undefined;
function nanoEd25519(): EdDSA {
  if (curve === undefined) {
    const { eddsa } =
      require('@noble/curves/abstract/edwards.js') as typeof import('@noble/curves/abstract/edwards.js');
    const { ed25519 } = require('@noble/curves/ed25519.js') as typeof import('@noble/curves/ed25519.js');
    const { blake2b: nobleBlake2b } = require('@noble/hashes/blake2.js') as typeof import('@noble/hashes/blake2.js');
    curve = eddsa(ed25519.Point, nobleBlake2b, { adjustScalarBytes: clampScalar });
  }
  return curve;
}

/** RFC 8032 §5.1.5: clear the low three bits and the top bit, set bit 254. */
function clampScalar(bytes: Uint8Array): Uint8Array {
  bytes[0] &= 248;
  bytes[31] &= 127;
  bytes[31] |= 64;
  return bytes;
}

/** The 32-byte public key of a 32-byte Nano private key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return nanoEd25519().getPublicKey(privateKey);
}

/** A 64-byte signature of `message` (Nano signs the 32-byte block hash). */
export function sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  return nanoEd25519().sign(message, privateKey);
}

/**
 * Verifies a Nano signature; false for any malformed input. Strict RFC 8032 decoding (no ZIP-215
 * leniency): a non-canonical point encoding or an S not below the group order is refused.
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return nanoEd25519().verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** A fresh random private key (key_create), from the platform's CSPRNG. */
export function randomPrivateKey(): Uint8Array {
  return nanoEd25519().utils.randomSecretKey();
}

/** Nano's deterministic key: BLAKE2b-256(seed ‖ be32(index)). */
export function deterministicPrivateKey(seed: Uint8Array, index: number): Uint8Array {
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  new DataView(input.buffer).setUint32(seed.length, index >>> 0, false);
  return blake2b(input, 32);
}
