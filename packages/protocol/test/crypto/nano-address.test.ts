import * as fc from 'fast-check';
import { canonicalAccount, decodeAccount, encodeAccount, isValidAccount } from '@nano-access/protocol';

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
});
