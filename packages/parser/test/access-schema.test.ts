import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessFileSchema } from '../src/access-schema';

describe('the access file schema', () => {
  it('is published unchanged as docs/config-access.schema.json', () => {
    const published = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'config-access.schema.json'), 'utf8');
    const source = readFileSync(join(__dirname, '..', 'src', 'config-access.schema.json'), 'utf8');
    expect(published).toBe(source);
    expect(JSON.parse(published)).toEqual(accessFileSchema);
  });

  it('describes exactly the two top-level keys and the role and user keys of docs/access-file.md', () => {
    const schema = accessFileSchema as {
      properties: Record<string, unknown>;
      definitions: Record<string, { properties: Record<string, unknown> }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(['role', 'user']);
    expect(Object.keys(schema.definitions.roleKeys.properties).sort()).toEqual(['allow', 'deny', 'id']);
    expect(Object.keys(schema.definitions.userKeys.properties).sort()).toEqual([
      'allow',
      'bare',
      'deny',
      'id',
      'roles',
    ]);
  });
});
