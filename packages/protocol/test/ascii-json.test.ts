import * as fc from 'fast-check';
import { stringifyAscii } from '@nano-access/protocol';

describe('stringifyAscii', () => {
  it('escapes non-ASCII characters as \\uXXXX, surrogate pairs included', () => {
    expect(stringifyAscii({ name: 'café', emoji: '😀' })).toBe('{"name":"caf\\u00e9","emoji":"\\ud83d\\ude00"}');
  });

  it('keeps ASCII text byte-identical to JSON.stringify', () => {
    expect(stringifyAscii({ a: [1, 'x"y\n'] })).toBe(JSON.stringify({ a: [1, 'x"y\n'] }));
  });

  it('gives "null" for undefined', () => {
    expect(stringifyAscii(undefined)).toBe('null');
  });

  it('is always pure ASCII and parses back to the same value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = stringifyAscii(value);
      expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
      expect(Buffer.byteLength(text, 'utf8')).toBe(text.length);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    }), { numRuns: 500 });
  });
});
