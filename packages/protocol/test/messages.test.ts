import { REQUEST_TYPES, requestTypeOf } from '../src/messages';

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
