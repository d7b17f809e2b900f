import { stringifyAscii } from '@nano-access/protocol';
import { encodeAsciiResponse, LENGTH_BYTES } from '../src/framing';

describe('encodeAsciiResponse', () => {
  it('puts the be32 length of the ASCII JSON before it, in every byte of the length', () => {
    // The length's byte 2 is not zero from 256 bytes on, byte 1 from 65,536 (70,008 bytes, larger
    // than a slab, are written by way of the text); byte 0 is the next test's.
    const values = [{}, { a: 'x'.repeat(250) }, { a: 'y'.repeat(4000) }, { a: 'z'.repeat(70_000) }, { é: '😀' }];
    for (const value of values) {
      const text = stringifyAscii(value);
      const frame = encodeAsciiResponse(value);
      expect(frame.readUInt32BE(0)).toBe(text.length);
      expect(frame.length).toBe(LENGTH_BYTES + text.length);
      expect(frame.subarray(LENGTH_BYTES).toString('latin1')).toBe(text);
    }
  });

  it('writes 2^24 and more in the top byte of the length', () => {
    const value = { a: 'q'.repeat(2 ** 24 + 3) };
    const frame = encodeAsciiResponse(value);
    expect(frame.readUInt32BE(0)).toBe(stringifyAscii(value).length);
  });
});
