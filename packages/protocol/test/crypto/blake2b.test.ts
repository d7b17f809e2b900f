import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import { blake2b } from '@nano-access/protocol';

describe('blake2b', () => {
  it('matches node:crypto BLAKE2b-512 for any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        expect(Buffer.from(blake2b(bytes, 64)).toString('hex')).toBe(
          createHash('blake2b512').update(bytes).digest('hex'),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives the RFC 7693 digest of "abc"', () => {
    expect(Buffer.from(blake2b(Buffer.from('abc'), 64)).toString('hex')).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    );
  });

  it('treats the digest length as a parameter, not a truncation', () => {
    const long = blake2b(Buffer.from('nano'), 64);
    const short = blake2b(Buffer.from('nano'), 32);
    expect(Buffer.from(short).equals(Buffer.from(long.subarray(0, 32)))).toBe(false);
  });

  it('throws a RangeError for an impossible length', () => {
    expect(() => blake2b(new Uint8Array(1), 0)).toThrow(RangeError);
    expect(() => blake2b(new Uint8Array(1), 65)).toThrow(RangeError);
  });
});
