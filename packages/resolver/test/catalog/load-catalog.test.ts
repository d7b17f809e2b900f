import { compile, loadCatalog, PolicyError, type Catalog } from '@nano-access/resolver';
import { tinyCatalog } from '../helpers/catalogs';
import { buildModel } from '../helpers/model';

function withChanges(change: (catalog: Catalog) => void): unknown {
  const copy = JSON.parse(JSON.stringify(tinyCatalog)) as Catalog;
  change(copy);
  return copy;
}

function codesOf(json: unknown): string[] {
  const result = loadCatalog(json);
  expect(result.catalog).toBeNull();
  return result.errors.map((e) => e.code);
}

describe('loadCatalog', () => {
  it('accepts a valid catalog and returns a frozen copy', () => {
    const { catalog, errors } = loadCatalog(tinyCatalog);
    expect(errors).toEqual([]);
    expect(catalog).not.toBe(tinyCatalog);
    expect(catalog!.permissions.map((p) => p.name)).toEqual(tinyCatalog.permissions.map((p) => p.name));
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(catalog!.permissions[3].implies)).toBe(true);
  });

  it('adds unrestricted when a catalog leaves it out', () => {
    const { catalog } = loadCatalog(withChanges((c) => c.permissions.splice(0, 1)));
    expect(catalog!.permissions[0].name).toBe('unrestricted');
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['missing permissions', withChanges((c) => delete (c as Partial<Catalog>).permissions)],
    [
      'a permission without implies',
      withChanges((c) => delete (c.permissions[1] as Partial<Catalog['permissions'][0]>).implies),
    ],
    ['an unknown key', withChanges((c) => Object.assign(c, { extra: true }))],
    ['a name with a comma', withChanges((c) => (c.permissions[1].name = 'a,b'))],
    ['a message mapped to a number', withChanges((c) => Object.assign(c.messages, { Bad: 3 }))],
    ['an action without control', withChanges((c) => Object.assign(c.actions!, { bad: { permission: 'read' } }))],
    [
      'a control argument without off values',
      withChanges((c) =>
        Object.assign(c.actions!, {
          bad: { permission: 'read', control: false, controlArguments: { force: { off: [] } } },
        }),
      ),
    ],
    [
      'a control argument off at an object',
      withChanges((c) =>
        Object.assign(c.actions!, {
          bad: { permission: 'read', control: false, controlArguments: { force: { off: [{}] } } },
        }),
      ),
    ],
  ])('refuses %s with NA_CATALOG_SCHEMA', (_label, json) => {
    const codes = codesOf(json);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['NA_CATALOG_SCHEMA']));
  });

  it('keeps the control arguments of an action, frozen', () => {
    const { catalog } = loadCatalog(
      withChanges((c) =>
        Object.assign(c.actions!, {
          wide: { permission: 'read', control: false, controlArguments: { force: { off: [false, '0'] } } },
        }),
      ),
    );
    expect(catalog!.actions!.wide.controlArguments).toEqual({ force: { off: [false, '0'] } });
    expect(Object.isFrozen(catalog!.actions!.wide.controlArguments!.force.off)).toBe(true);
  });

  it('refuses a duplicated permission name', () => {
    expect(codesOf(withChanges((c) => c.permissions.push({ name: 'read', description: '', implies: [] })))).toEqual([
      'NA_CATALOG_DUPLICATE_PERMISSION',
    ]);
  });

  it('refuses implies naming an unknown permission, with its JSON pointer', () => {
    const result = loadCatalog(withChanges((c) => c.permissions[3].implies.push('nope')));
    expect(result.errors).toEqual([
      expect.objectContaining({ code: 'NA_CATALOG_UNKNOWN_IMPLIES', path: '/permissions/3/implies/3' }),
    ]);
  });

  it('refuses a cycle in implies and names it', () => {
    const result = loadCatalog(withChanges((c) => c.permissions[5].implies.push('admin')));
    expect(result.errors.map((e) => e.code)).toEqual(['NA_CATALOG_IMPLIES_CYCLE']);
    expect(result.errors[0].message).toMatch(
      /admin -> audit -> audit_read -> admin|audit -> audit_read -> admin -> audit|audit_read -> admin -> audit -> audit_read/,
    );
  });

  it('refuses a permission implying itself', () => {
    expect(codesOf(withChanges((c) => c.permissions[1].implies.push('read')))).toEqual(['NA_CATALOG_IMPLIES_CYCLE']);
  });

  it('refuses a permission implying unrestricted (unrestricted implies everything)', () => {
    expect(codesOf(withChanges((c) => c.permissions[1].implies.push('unrestricted')))).toEqual([
      'NA_CATALOG_IMPLIES_CYCLE',
    ]);
  });

  it('refuses an unknown default', () => {
    expect(codesOf(withChanges((c) => c.defaults.push('pong')))).toEqual(['NA_CATALOG_UNKNOWN_DEFAULT']);
  });

  it('refuses a message requiring an unknown permission', () => {
    expect(codesOf(withChanges((c) => (c.messages.Ping = 'pong')))).toEqual(['NA_CATALOG_UNKNOWN_MESSAGE_PERMISSION']);
  });

  it('refuses an action requiring an unknown permission', () => {
    expect(codesOf(withChanges((c) => (c.actions!.read_it.permission = 'raed')))).toEqual([
      'NA_CATALOG_UNKNOWN_ACTION_PERMISSION',
    ]);
  });

  it('reports every problem at once', () => {
    const codes = codesOf(
      withChanges((c) => {
        c.defaults.push('pong');
        c.messages.Ping = 'pong';
      }),
    );
    expect(codes.sort()).toEqual(['NA_CATALOG_UNKNOWN_DEFAULT', 'NA_CATALOG_UNKNOWN_MESSAGE_PERMISSION']);
  });

  it('never throws on arbitrary JSON', () => {
    for (const json of [
      undefined,
      'x',
      [],
      {},
      { permissions: 'x' },
      { name: 'n', permissions: [null], defaults: [], messages: {} },
    ]) {
      expect(() => loadCatalog(json)).not.toThrow();
      expect(loadCatalog(json).catalog).toBeNull();
    }
  });

  it('lets compile() use a catalog that did not come from loadCatalog, and refuses an invalid one with NA_CATALOG_INVALID', () => {
    expect(compile(buildModel({}), tinyCatalog).policy?.check(undefined, 'ping')).toBe(true);
    const broken = withChanges((c) => c.defaults.push('pong')) as Catalog;
    expect(() => compile(buildModel({}), broken)).toThrow(PolicyError);
    expect(() => compile(buildModel({}), broken)).toThrow(expect.objectContaining({ code: 'NA_CATALOG_INVALID' }));
  });
});
