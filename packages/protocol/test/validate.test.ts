import Ajv from 'ajv';
import * as fc from 'fast-check';
import schema from '../src/schema/nanoapi.schema.json';
import { createMessageAjv, validateMessage } from '../src/validate';

/** Definitions whose strings carry maxLength or minLength (Address, HexString, the envelope, service names). */
const DEFINITIONS = ['AccountWeight', 'RequestEnvelope', 'ServiceRegister', 'ServiceStop', 'EventConfirmation'];

function validators(ajv: Ajv): Map<string, ReturnType<Ajv['compile']>> {
  ajv.addSchema(schema, 'nanoapi');
  return new Map(DEFINITIONS.map((name) => [name, ajv.compile({ $ref: `nanoapi#/definitions/${name}` })]));
}

/** Strings around the limits (1, 65, 128, 256, 1024 units), of ASCII, BMP and astral characters and lone surrogates. */
const unit = fc.oneof(
  fc.constantFrom('a', '1', 'é', '\u{1F600}', '\uD83D', '\uDE00', '\u4E2D'),
  fc.string({ minLength: 1, maxLength: 1 }),
);
const text = fc.oneof(
  ...[0, 1, 2, 33, 64, 65, 66, 128, 129, 256, 257, 512, 1024, 1025, 2048].map((n) =>
    fc.array(unit, { minLength: Math.max(0, n - 2), maxLength: n + 2 }).map((parts) => parts.join('')),
  ),
);

describe('validate: string lengths', () => {
  const ours = validators(createMessageAjv());
  const stock = validators(new Ajv({ strict: true, allErrors: false, allowUnionTypes: false }));

  it.each(DEFINITIONS)('gives the verdict and error of stock ajv for %s', (name) => {
    const check = (value: unknown): void => {
      const mine = ours.get(name)!;
      const theirs = stock.get(name)!;
      expect(mine(value)).toBe(theirs(value));
      expect(mine.errors).toEqual(theirs.errors);
    };
    fc.assert(
      fc.property(text, text, (a, b) => {
        check({ account: a });
        check({ service_name: a });
        check({ message_type: a, message: {}, correlation_id: b, credentials: b });
        check({ account: a, amount: '1', hash: b, confirmation_type: 'x', block: {} });
      }),
      { numRuns: 300 },
    );
  });

  it('counts a surrogate pair as one character, as ajv does', () => {
    const smiles = (n: number): string => '\u{1F600}'.repeat(n);
    expect(validateMessage('AccountWeight', { account: smiles(65) }).ok).toBe(true); // 130 units
    expect(validateMessage('AccountWeight', { account: smiles(66) })).toEqual({
      ok: false,
      error: 'Invalid message format: /message/account: must NOT have more than 65 characters',
    });
    expect(validateMessage('AccountWeight', { account: 'a'.repeat(66) }).ok).toBe(false);
    expect(validateMessage('ServiceRegister', { service_name: smiles(1) }).ok).toBe(true); // 2 units, 1 character
    expect(validateMessage('ServiceRegister', { service_name: '' })).toEqual({
      ok: false,
      error: 'Invalid message format: /message/service_name: must NOT have fewer than 1 characters',
    });
  });
});
