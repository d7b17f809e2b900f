import Ajv, { type ValidateFunction } from 'ajv';
import catalogSchema from '../../src/catalogs/catalog.schema.json';
import nano from '../../src/catalogs/nano.json';
import { validateCatalogShape } from '../../src/generated/catalog-validator';

// What loadCatalog compiled on first use before the validator was precompiled.
const runtime = new Ajv({ allErrors: true, strict: true }).compile(catalogSchema);
const precompiled = validateCatalogShape as ValidateFunction;

const bad: unknown[] = [
  null,
  [],
  {},
  { name: '', permissions: 'x', defaults: ['a', 'a'], messages: [] },
  {
    name: 'c',
    permissions: [{ name: 'a b', implies: ['x', 'x', 3] }, 'p', { name: 'q', description: 1, implies: [], more: 1 }],
    defaults: [],
    messages: {},
  },
  {
    name: 'c',
    permissions: [],
    defaults: ['ok', 'not ok'],
    messages: { A: null, B: 1, C: 'a,b' },
    actions: { a: {}, b: { permission: 'x', control: 'yes', note: 2, z: 1 }, 'c/~': 3 },
  },
  { ...nano, extra: true },
  { ...nano, $schema: 5 },
];

describe('the precompiled catalog validator (scripts/gen-validators.ts; its --check runs in the parser tests)', () => {
  it('accepts the Nano catalog, as a run-time compile does', () => {
    expect(runtime(nano)).toBe(true);
    expect(precompiled(nano)).toBe(true);
  });

  it.each(bad.map((data) => [JSON.stringify(data).slice(0, 80), data]))(
    'gives the errors a run-time compile gives for %s',
    (_name, data) => {
      const expectedValid = runtime(data);
      const expectedErrors = runtime.errors;
      expect(precompiled(data)).toBe(expectedValid);
      expect(precompiled.errors).toEqual(expectedErrors);
    },
  );
});
