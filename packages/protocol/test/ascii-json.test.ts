import * as fc from 'fast-check';
import { encodeAsciiJson, stringifyAscii } from '@nano-access/protocol';
import { writtenStringsKept } from '../src/ascii-json';

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

describe('encodeAsciiJson', () => {
  const textBytes = (value: unknown): Buffer => Buffer.from(stringifyAscii(value), 'latin1');

  it("writes stringifyAscii's text as bytes, on any JSON value and on odd ones", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(encodeAsciiJson(value).equals(textBytes(value))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    const odd: unknown[] = [
      undefined,
      { a: NaN, b: -0, c: Infinity, f: undefined, g: () => 1, h: new Date(0), i: [1, undefined] },
      { 'k"ey': { ü: { deep: { deeper: { deepest: 'x' } } } }, e: 'é\u0001"\\😀' },
      Object.assign(Object.create(null) as object, { x: 1 }),
      { f: undefined, g: 1, h: undefined },
      { only: undefined },
      [0, -0, 7, 9, 10, 99_999_999, 100_000_000, 100_000_001, 1_796_657_754_173, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2],
      [1e21, 1.5, -3, 5e-7, 123456789.5, Number.MIN_VALUE, -(2 ** 53)],
    ];
    for (const value of odd) expect(encodeAsciiJson(value).toString('latin1')).toBe(stringifyAscii(value));
  });

  it('writes strings of any length exactly, whatever character needs an escape and wherever', () => {
    const specials = ['"', '\\', '\u0000', '\u001f', '\u007f', '\u0080', 'é', '\u0131', '😀', '\ud800', '\udfff'];
    const plain = 'abcdefghijklmnopqrstuvwxyz0123456789 !#$%&()*+,-./:;<=>?@[]^_`{|}~';
    for (let length = 14; length <= 40; length += 1) {
      const base = plain.slice(0, length);
      expect(encodeAsciiJson({ [base]: base }).toString('latin1')).toBe(stringifyAscii({ [base]: base }));
      for (const special of specials)
        for (const at of [0, length >> 1, length - 1]) {
          const text = base.slice(0, at) + special + base.slice(at + 1);
          const value = { [text]: text, list: [text] };
          expect(encodeAsciiJson(value).toString('latin1')).toBe(stringifyAscii(value));
        }
    }
    fc.assert(
      fc.property(fc.string({ minLength: 16, maxLength: 80, unit: 'binary' }), (text) => {
        expect(encodeAsciiJson({ [text]: text }).equals(textBytes({ [text]: text }))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a short string the same from its kept bytes as the first time, escapes and all', () => {
    const specials = ['"', '\\', '\u0000', '\u001f', '\u007f', 'é', '😀', '\ud800'];
    const plain = 'abcdefghijklmnopqrstuvwxyz0123456789_-';
    // Lengths 0 to 34 span the 32-character bound of the kept strings; each value is written
    // three times, so the second and third come from the kept bytes where the string is short.
    for (let length = 0; length <= 34; length += 1) {
      const base = plain.slice(0, length);
      const texts = [base, ...specials.map((special) => (base + special).slice(-Math.max(length, 1)))];
      for (const text of texts) {
        const value = { [text]: text, again: [text, { [text]: text }] };
        for (let time = 0; time < 3; time++)
          expect(encodeAsciiJson(value, 4).subarray(4).toString('latin1')).toBe(stringifyAscii(value));
      }
    }
  });

  it('keeps the bytes of a bounded number of strings, and writes the rest exactly', () => {
    const values = Array.from({ length: 3000 }, (_, i) => ({ [`k${i}`]: `v${i}` }));
    for (const value of values) encodeAsciiJson(value);
    expect(writtenStringsKept()).toBeLessThanOrEqual(1024);
    expect(writtenStringsKept()).toBeGreaterThan(0);
    for (const value of values) expect(encodeAsciiJson(value).toString('latin1')).toBe(stringifyAscii(value));
  });

  it('writes whole numbers as JSON.stringify does, at every magnitude and round boundary', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(...[1e8, 1e15, 2 ** 53].map((n) => n - 1))),
        (n) => {
          expect(encodeAsciiJson({ time: n }).toString('latin1')).toBe(JSON.stringify({ time: n }));
        },
      ),
      { numRuns: 2000 },
    );
    // Just below a multiple of 10^8, where the division by 10^8 is nearest to rounding up.
    for (const n of [90_071_992 * 1e8 - 1, 12_345_678 * 1e8 - 1, 2e8 - 1])
      expect(encodeAsciiJson(n).toString('latin1')).toBe(JSON.stringify(n));
    for (let power = 1; power <= 2 ** 53; power *= 10)
      for (const n of [power - 1, power, power + 1])
        expect(encodeAsciiJson(n).toString('latin1')).toBe(JSON.stringify(n));
  });

  it('leaves the headroom before the text for the caller', () => {
    const out = encodeAsciiJson({ message_type: 'IsAlive' }, 4);
    expect(out.length).toBe(4 + stringifyAscii({ message_type: 'IsAlive' }).length);
    expect(out.subarray(4).toString('latin1')).toBe('{"message_type":"IsAlive"}');
  });

  it('never writes over an answer it handed out, across many slabs', () => {
    const answers: Array<{ value: unknown; bytes: Buffer }> = [];
    for (let i = 0; i < 3000; i++) {
      const value = { n: i, text: 'x'.repeat(i % 700), nested: { i } };
      answers.push({ value, bytes: encodeAsciiJson(value, 4).subarray(4) });
    }
    for (const { value, bytes } of answers) expect(bytes.toString('latin1')).toBe(stringifyAscii(value));
  });

  it('writes an answer larger than a slab by way of the text', () => {
    const large = { blocks: Array.from({ length: 2000 }, (_, i) => ({ hash: 'A'.repeat(64), i })), é: 'é' };
    const small = { after: true };
    expect(encodeAsciiJson(large, 4).subarray(4).toString('latin1')).toBe(stringifyAscii(large));
    expect(encodeAsciiJson(small).toString('latin1')).toBe('{"after":true}');
  });

  it('throws as JSON.stringify does (a BigInt), and the next answer is whole', () => {
    expect(() => encodeAsciiJson({ a: 'x', weight: 10n })).toThrow(TypeError);
    expect(encodeAsciiJson({ b: 'y' }).toString('latin1')).toBe('{"b":"y"}');
  });

  it('answers a getter that encodes another value while it is written', () => {
    const inner = { z: 'inner' };
    let innerBytes: Buffer | undefined;
    const outer = {
      a: 1,
      get b(): string {
        innerBytes = encodeAsciiJson(inner);
        return 'outer';
      },
    };
    expect(encodeAsciiJson(outer).toString('latin1')).toBe('{"a":1,"b":"outer"}');
    expect(innerBytes?.toString('latin1')).toBe('{"z":"inner"}');
  });
});
