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
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = stringifyAscii(value);
        expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
        expect(Buffer.byteLength(text, 'utf8')).toBe(text.length);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('stringifyAscii is byte-identical to JSON.stringify (then escaped)', () => {
  const reference = (value: unknown): string =>
    (JSON.stringify(value) ?? 'null').replace(
      /[\u0080-\uffff]/g,
      (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
    );

  it('on any JSON value, nested objects included', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stringifyAscii(value)).toBe(reference(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('on objects with strings that need escaping, odd numbers, omitted and toJSON values', () => {
    const cases: unknown[] = [
      {
        time: 1764115200000,
        message_type: 'AccountWeightResponse',
        message: { voting_weight: '1000' },
        correlation_id: 'a"b\\c\u0001\u00e9',
      },
      {
        a: NaN,
        b: -0,
        c: Infinity,
        d: 1e21,
        e: 5e-7,
        f: undefined,
        g: () => 1,
        h: new Date(0),
        i: [1, undefined],
        j: null,
        k: true,
      },
      { 'k"ey': { ü: { deep: { deeper: { deepest: 'x' } } } } },
      Object.assign(Object.create(null) as object, { x: 1 }),
      { message: {} },
    ];
    for (const value of cases) expect(stringifyAscii(value)).toBe(reference(value));
  });

  it('on random envelopes', () => {
    const envelope = fc.record({
      time: fc.double(),
      message_type: fc.string(),
      message: fc.dictionary(
        fc.string(),
        fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue()),
      ),
      correlation_id: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
    });
    fc.assert(
      fc.property(envelope, (value) => {
        expect(stringifyAscii(value)).toBe(reference(value));
      }),
      { numRuns: 1000 },
    );
  });
});
