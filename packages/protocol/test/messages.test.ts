import * as fc from 'fast-check';
import { REQUEST_TYPES, requestTypeAt, requestTypeOf } from '../src/messages';

describe('requestTypeOf', () => {
  it("gives each request type's name back as the module's own constant, whatever string spelled it", () => {
    for (const type of REQUEST_TYPES) {
      // A string built at run time, as one read off a URL or a body is.
      const read = Buffer.from(type, 'utf8').toString('utf8');
      expect(requestTypeOf(read)).toBe(type);
    }
  });

  it('knows no other name: responses, events, unknown names and other spellings', () => {
    for (const name of ['AccountWeightResponse', 'EventConfirmation', 'Error', 'accountweight', 'AccountWeight ', '']) {
      expect(requestTypeOf(name)).toBeUndefined();
    }
    expect(requestTypeOf('__proto__')).toBeUndefined();
    expect(requestTypeOf('constructor')).toBeUndefined();
  });
});

describe('requestTypeAt', () => {
  const prefix = '/api/v2/';
  // Each request type, its near misses (a letter more, a letter less, another case) and other names.
  const names = [
    ...REQUEST_TYPES.flatMap((type) => [type, `${type}x`, type.slice(0, -1), type.toLowerCase(), `x${type.slice(1)}`]),
    'AccountWeightResponse',
    '',
    '__proto__',
  ];

  it('reads the name at the offset as requestTypeOf reads it alone', () => {
    for (const name of names) {
      const path = Buffer.from(prefix + name, 'utf8').toString('utf8');
      expect(requestTypeAt(path, prefix.length)).toBe(requestTypeOf(name));
    }
  });

  it('agrees with requestTypeOf on random names after random prefixes', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.constantFrom(...names), fc.string()), (before, name) => {
        expect(requestTypeAt(before + name, before.length)).toBe(requestTypeOf(name));
      }),
    );
  });

  it('names nothing past the end of the text', () => {
    expect(requestTypeAt('/api/v2', prefix.length)).toBeUndefined();
    expect(requestTypeAt('', 1)).toBeUndefined();
  });
});
