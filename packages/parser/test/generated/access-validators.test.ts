import { resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import schema from '../../src/config-access.schema.json';
import { validateAccessFile, validateRole, validateUser } from '../../src/generated/access-validators';

// What the parser compiled at module load before the validators were precompiled.
const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false });
ajv.addSchema(schema, 'config-access');
const runtime = {
  file: ajv.getSchema('config-access')!,
  user: ajv.getSchema('config-access#/definitions/user')!,
  role: ajv.getSchema('config-access#/definitions/role')!,
};
const precompiled = {
  file: validateAccessFile as ValidateFunction,
  user: validateUser as ValidateFunction,
  role: validateRole as ValidateFunction,
};

const badFiles: unknown[] = [
  null,
  'text',
  [],
  { users: [] },
  { role: 'x' },
  { role: [1, 'a', null] },
  { role: [{}] },
  { role: [{ id: '' }] },
  { role: { id: 'a', deny: ['x'], allow: 3, extra: true } },
  { role: [{ id: 'a', allow: [1, 'b', {}] }], user: [{ id: 3, roles: 'a', bare: 'yes' }] },
  { user: { bare: 1, deny: [null], allow: {}, rolez: 'a' } },
  { user: [{ id: 'k' }, 'x', [], { bare: 'maybe' }], role: { allow: 'a' } },
  { user: [{ id: '𝒳', bare: 'true' }], role: [{ id: 'r', allow: 'a, b' }], other: {} },
];
const badEntries: unknown[] = [
  null,
  1,
  [],
  {},
  { id: '' },
  { id: 5 },
  { id: 'a', deny: [] },
  { allow: [1], roles: 2, bare: 'no', x: 1 },
  { id: 'a', bare: true },
];

function outcome(validate: ValidateFunction, data: unknown): { valid: boolean; errors: unknown } {
  const valid = validate(data) as boolean;
  return { valid, errors: validate.errors };
}

describe('the precompiled access-file validators (scripts/gen-validators.ts)', () => {
  it.each(badFiles.map((data) => [JSON.stringify(data), data]))(
    'give the errors a run-time compile gives for the file %s',
    (_name, data) => {
      const expected = outcome(runtime.file, data);
      expect(outcome(precompiled.file, data)).toEqual(expected);
    },
  );

  it.each(badEntries.map((data) => [JSON.stringify(data), data]))(
    'give the errors a run-time compile gives for the entry %s',
    (_name, data) => {
      for (const key of ['user', 'role'] as const) {
        expect(outcome(precompiled[key], data)).toEqual(outcome(runtime[key], data));
      }
    },
  );

  it('carry verbose output: schema, parentSchema and data', () => {
    precompiled.role({ id: 5 });
    expect(precompiled.role.errors).toEqual([
      expect.objectContaining({
        keyword: 'type',
        instancePath: '/id',
        data: 5,
        schema: 'string',
        parentSchema: expect.objectContaining({ type: 'string' }),
      }),
    ]);
  });

  it('are the committed output of scripts/gen-validators.ts (regenerate after editing a schema)', () => {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const root = resolve(__dirname, '../../../..');
    expect(() =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-validators.ts', '--check'], {
        cwd: root,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });
});
