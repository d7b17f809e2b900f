import * as fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import {
  accountKeyDigest,
  canonicalAccount,
  decodeAccount,
  encodeAccount,
  isValidAccount,
} from '@nano-access/protocol';

// The genesis account and its public key, as published by the Nano project.
const GENESIS = 'nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3';
const GENESIS_KEY = 'E89208DD038FBB269987689621D52292AE9C35941A7484756ECCED92A65093BA';

describe('Nano addresses', () => {
  it('decodes the genesis account to its public key', () => {
    expect(Buffer.from(decodeAccount(GENESIS)!).toString('hex').toUpperCase()).toBe(GENESIS_KEY);
    expect(encodeAccount(Buffer.from(GENESIS_KEY, 'hex'))).toBe(GENESIS);
  });

  it('accepts the xrb_ prefix and the deprecated dash forms, canonicalised to nano_', () => {
    const xrb = 'xrb_' + GENESIS.slice(5);
    expect(isValidAccount(xrb)).toBe(true);
    expect(isValidAccount('nano-' + GENESIS.slice(5))).toBe(true);
    expect(canonicalAccount(xrb)).toBe(GENESIS);
  });

  it('rejects a wrong checksum, a wrong alphabet, a wrong length, a wrong prefix and a bad pad', () => {
    expect(isValidAccount(GENESIS.slice(0, -1) + '4')).toBe(false);
    expect(isValidAccount(GENESIS.slice(0, 10) + '0' + GENESIS.slice(11))).toBe(false);
    expect(isValidAccount(GENESIS.slice(0, -1))).toBe(false);
    expect(isValidAccount('nana_' + GENESIS.slice(5))).toBe(false);
    expect(isValidAccount('nano_4' + GENESIS.slice(6))).toBe(false);
    expect(isValidAccount(42)).toBe(false);
  });

  it('round-trips any public key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        expect(Buffer.from(decodeAccount(encodeAccount(key))!).equals(Buffer.from(key))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('detects any single-character change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 64 }), fc.constantFrom(...'13456789abcdefghijkmnopqrstuwxyz'), (i, c) => {
        fc.pre(GENESIS[i] !== c);
        expect(isValidAccount(GENESIS.slice(0, i) + c + GENESIS.slice(i + 1))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a character outside the alphabet anywhere, one whose low byte is an alphabet character included', () => {
    // The address is decoded from its bytes in WebAssembly memory: a character that is not ASCII
    // must never be read as the ASCII character of its low byte (ı, U+0131, as "1").
    const outside = (c: string): string[] => [
      String.fromCharCode(0x100 | c.charCodeAt(0)),
      String.fromCharCode(0xff00 | c.charCodeAt(0)),
      c.toUpperCase(),
      '0',
      '2',
      'l',
      'v',
      '\u0000',
      '\u{1F600}',
    ];
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 64 }), fc.nat(8), (i, k) => {
        const replacement = outside(GENESIS[i])[k];
        fc.pre(replacement !== GENESIS[i]);
        expect(isValidAccount(GENESIS)).toBe(true); // the memory holds a valid address's bytes
        const changed = GENESIS.slice(0, i) + replacement + GENESIS.slice(i + 1);
        expect(isValidAccount(changed)).toBe(false);
        expect(decodeAccount(changed)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  describe('accountKeyDigest', () => {
    it('is -1 for anything isValidAccount refuses', () => {
      for (const bad of [GENESIS.slice(0, -1) + '4', GENESIS.slice(0, -1), 'nana_' + GENESIS.slice(5), 42, undefined])
        expect(accountKeyDigest(bad)).toBe(-1);
    });

    it('is a 30-bit number, the same for every form of one account', () => {
      const digest = accountKeyDigest(GENESIS);
      expect(Number.isInteger(digest) && digest >= 0 && digest < 2 ** 30).toBe(true);
      for (const form of ['xrb_', 'xrb-', 'nano-']) expect(accountKeyDigest(form + GENESIS.slice(5))).toBe(digest);
    });

    it('differs between keys, including keys a fixed word-wise hash would confuse', () => {
      // 200 random keys (uniform, not fast-check's biased ones, which may repeat a key): a
      // collision has a chance of ~2⁻³⁰ a pair.
      const digests = new Set<number>();
      for (let i = 0; i < 200; i++) digests.add(accountKeyDigest(encodeAccount(randomBytes(32))));
      expect(digests.size).toBe(200);
      // Keys that differ only in the top bit of two 32-bit words: Σ wordᵢ·mᵢ mod 2³² with odd mᵢ
      // gives them the same sum whatever the mᵢ. Here each pair collides with a chance of 2⁻¹⁷.
      const base = new Uint8Array(32).fill(0x55);
      for (const [a, b] of [
        [3, 7],
        [11, 15],
        [19, 23],
        [27, 31],
      ]) {
        const flipped = Uint8Array.from(base);
        flipped[a] ^= 0x80;
        flipped[b] ^= 0x80;
        expect(accountKeyDigest(encodeAccount(flipped))).not.toBe(accountKeyDigest(encodeAccount(base)));
      }
    });
  });
});
