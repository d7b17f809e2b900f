import * as fc from 'fast-check';
import { canonicalAccount, decodeAccount, encodeAccount, isValidAccount } from '@nano-access/protocol';
import { publicKeyOf, sign, verify } from '../../src/crypto/ed25519-blake2b';

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
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
      expect(Buffer.from(decodeAccount(encodeAccount(key))!).equals(Buffer.from(key))).toBe(true);
    }), { numRuns: 300 });
  });

  it('detects any single-character change', () => {
    fc.assert(fc.property(fc.integer({ min: 5, max: 64 }), fc.constantFrom(...'13456789abcdefghijkmnopqrstuwxyz'), (i, c) => {
      fc.pre(GENESIS[i] !== c);
      expect(isValidAccount(GENESIS.slice(0, i) + c + GENESIS.slice(i + 1))).toBe(false);
    }), { numRuns: 300 });
  });
});

describe('Ed25519-BLAKE2b', () => {
  it('derives the public key of the published test vector', () => {
    const priv = Buffer.from('9F0E444C69F77A49BD0BE89DB92C38FE713E0963165CCA12FAF5712D7657120F', 'hex');
    expect(Buffer.from(publicKeyOf(priv)).toString('hex').toUpperCase()).toBe('C008B814A7D269A1FA3C6528B19201A24D797912DB9996FF02A1FF356E45552B');
  });

  it('verifies its own signatures and rejects a changed message', () => {
    const priv = Buffer.alloc(32, 7);
    const pub = publicKeyOf(priv);
    const message = Buffer.alloc(32, 1);
    const signature = sign(priv, message);
    expect(verify(pub, message, signature)).toBe(true);
    expect(verify(pub, Buffer.alloc(32, 2), signature)).toBe(false);
    expect(verify(pub, message, new Uint8Array(64))).toBe(false);
  });
});
