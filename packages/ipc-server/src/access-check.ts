import * as crypto from 'node:crypto';
import type { ByteQueue } from './byte-queue';

/**
 * The TCP access check (docs/wire.md, "The access check"): a mutual
 * HMAC-SHA256 challenge–response over fresh nonces; the secret never crosses
 * the wire.
 *
 *   1. client → server  HELLO   = 'N' 0x80 0x00 0x00 || Nc (32 random bytes)
 *   2. server → client  CHALLENGE = 'N' 0x80 0x00 0x00 || Ns (32 random bytes)
 *   3. client → server  Pc = HMAC(secret, LABEL_CLIENT || Nc || Ns)
 *   4. server → client  Ps = HMAC(secret, LABEL_SERVER || Nc || Ns)   (only when Pc verified)
 *
 * The client speaks first with an encoding byte (0x80) no plain server
 * accepts, so a client holding a secret fails fast against a server without
 * the check. Distinct labels bind each proof to its direction: a proof can
 * never be reflected to the other side. The server proves itself only after
 * the client did, so it is never an oracle for unauthenticated peers.
 */
export const ACCESS_MAGIC = Buffer.from([0x4e, 0x80, 0x00, 0x00]);
export const NONCE_BYTES = 32;
export const PROOF_BYTES = 32;
export const HELLO_BYTES = ACCESS_MAGIC.length + NONCE_BYTES;
export const LABEL_CLIENT = Buffer.from('nano-access ipc access-check v1 client\0', 'ascii');
export const LABEL_SERVER = Buffer.from('nano-access ipc access-check v1 server\0', 'ascii');

export function newNonce(): Buffer {
  return crypto.randomBytes(NONCE_BYTES);
}

export function clientProof(secret: Buffer, clientNonce: Buffer, serverNonce: Buffer): Buffer {
  return crypto.createHmac('sha256', secret).update(LABEL_CLIENT).update(clientNonce).update(serverNonce).digest();
}

export function serverProof(secret: Buffer, clientNonce: Buffer, serverNonce: Buffer): Buffer {
  return crypto.createHmac('sha256', secret).update(LABEL_SERVER).update(clientNonce).update(serverNonce).digest();
}

/** Constant-time comparison of a received proof with the expected one. */
export function proofMatches(received: Buffer, expected: Buffer): boolean {
  return received.length === expected.length && crypto.timingSafeEqual(received, expected);
}

export function helloMessage(nonce: Buffer): Buffer {
  return Buffer.concat([ACCESS_MAGIC, nonce]);
}

/** Reads a HELLO or CHALLENGE: the nonce, 'bad' on a wrong magic, null when more bytes are needed. */
export function readGreeting(queue: ByteQueue): Buffer | 'bad' | null {
  for (let i = 0; i < ACCESS_MAGIC.length; i++) {
    const byte = queue.peek(i);
    if (byte === undefined) return null;
    if (byte !== ACCESS_MAGIC[i]) return 'bad';
  }
  const greeting = queue.take(HELLO_BYTES);
  return greeting === null ? null : Buffer.from(greeting.subarray(ACCESS_MAGIC.length));
}

/** Server side of one handshake, fed from the connection's byte queue. */
export class ServerHandshake {
  private clientNonce: Buffer | null = null;
  readonly serverNonce = newNonce();

  constructor(private readonly secret: Buffer) {}

  /**
   * Advances the handshake. Returns bytes to send (the challenge, or the
   * server's proof with done), 'fail' to close without detail, or null to wait.
   */
  step(queue: ByteQueue): { send: Buffer; done: boolean } | 'fail' | null {
    if (this.clientNonce === null) {
      const nonce = readGreeting(queue);
      if (nonce === null) return null;
      // A peer echoing our own nonce back is a reflection attempt.
      if (nonce === 'bad' || nonce.equals(this.serverNonce)) return 'fail';
      this.clientNonce = nonce;
      return { send: Buffer.concat([ACCESS_MAGIC, this.serverNonce]), done: false };
    }
    const proof = queue.take(PROOF_BYTES);
    if (proof === null) return null;
    if (!proofMatches(proof, clientProof(this.secret, this.clientNonce, this.serverNonce))) return 'fail';
    return { send: serverProof(this.secret, this.clientNonce, this.serverNonce), done: true };
  }
}

/** Client side of one handshake: call start(), then step() as bytes arrive. */
export class ClientHandshake {
  readonly clientNonce = newNonce();
  private serverNonce: Buffer | null = null;

  constructor(private readonly secret: Buffer) {}

  start(): Buffer {
    return helloMessage(this.clientNonce);
  }

  step(queue: ByteQueue): { send?: Buffer; done: boolean } | 'fail' | null {
    if (this.serverNonce === null) {
      const nonce = readGreeting(queue);
      if (nonce === null) return null;
      if (nonce === 'bad' || nonce.equals(this.clientNonce)) return 'fail';
      this.serverNonce = nonce;
      return { send: clientProof(this.secret, this.clientNonce, nonce), done: false };
    }
    const proof = queue.take(PROOF_BYTES);
    if (proof === null) return null;
    if (!proofMatches(proof, serverProof(this.secret, this.clientNonce, this.serverNonce))) return 'fail';
    return { done: true };
  }
}
