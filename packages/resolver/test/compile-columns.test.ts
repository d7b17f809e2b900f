import fc from 'fast-check';
import { parseAccessFile, type AccessModel } from '@nano-access/parser';
import { compile, exportPolicy, nanoCatalog } from '@nano-access/resolver';

/** The model without its columns: compile then resolves user by user, from the model's objects. */
function withoutColumns(model: AccessModel): AccessModel {
  const copy = { ...model };
  expect(copy.userColumns).toBeUndefined();
  return copy;
}

const PERMISSIONS = ['wallet_read', 'wallet', 'node_query', 'api_stop', 'unrestricted', 'api_account_info', 'utility'];

describe('compile: a model read as columns', () => {
  it('gives the same policy, table for table, as the model’s objects', () => {
    const name = fc.constantFrom(...PERMISSIONS);
    const list = fc
      .tuple(fc.array(name, { maxLength: 3 }), fc.boolean())
      .map(([names, asArray]) => (asArray ? `[${names.map((n) => `"${n}"`).join(', ')}]` : `"${names.join(', ')}"`));
    const roleList = fc.subarray(['r0', 'r1', 'r2'], { maxLength: 2 }).map((names) => `"${names.join(',')}"`);
    const user = fc
      .tuple(fc.option(roleList), fc.option(list), fc.option(list), fc.option(fc.boolean()))
      .map(([roles, allow, deny, bare]) =>
        [
          roles === null ? '' : `roles = ${roles}`,
          allow === null ? '' : `allow = ${allow}`,
          deny === null ? '' : `deny = ${deny}`,
          bare === null ? '' : `bare = ${bare}`,
        ].join('\n'),
      );
    const file = fc
      .tuple(fc.array(list, { minLength: 3, maxLength: 3 }), fc.option(user), fc.array(user, { maxLength: 6 }))
      .map(([roleAllows, defaultUser, users]) =>
        [
          ...roleAllows.map((allow, r) => `[[role]]\nid = "r${r}"\nallow = ${allow}\n`),
          ...(defaultUser === null ? [] : [`[[user]]\n${defaultUser}\n`]),
          ...users.map((body, u) => `[[user]]\nid = "key-${u}-0123456789abcdef"\n${body}\n`),
        ].join('\n'),
      );
    fc.assert(
      fc.property(file, (text) => {
        const { model, diagnostics } = parseAccessFile(text);
        expect(diagnostics).toEqual([]);
        expect(model!.userColumns).toBeDefined();
        const fromColumns = compile(model!, nanoCatalog);
        const fromObjects = compile(withoutColumns(model!), nanoCatalog);
        expect(fromColumns.diagnostics).toEqual([]);
        expect(exportPolicy(fromColumns.policy!)).toEqual(exportPolicy(fromObjects.policy!));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the parser’s Map of ids as the credentials Map, the implicit default user first', () => {
    const { model } = parseAccessFile('[[user]]\nid = "key-a-0123456789abcdef"\nallow = "wallet_read"\n');
    const { policy } = compile(model!, nanoCatalog);
    expect(policy!.check('key-a-0123456789abcdef', 'wallet_read')).toBe(true);
    expect(policy!.check(undefined, 'wallet_read')).toBe(false);
    expect(policy!.explain('').user).toMatchObject({ kind: 'default' });
    expect(policy!.explain('key-a-0123456789abcdef').user).toMatchObject({ kind: 'user', index: 0 });
    expect(exportPolicy(policy!)).toEqual(exportPolicy(compile(withoutColumns(model!), nanoCatalog).policy!));
  });

  it('reports unknown names exactly as from the model’s objects', () => {
    const text = [
      '[[role]]\nid = "reader"\nallow = "wallet_read"\n',
      '[[user]]\nid = "key-a-0123456789abcdef"\nroles = "reader, raeder"\n',
      '[[user]]\nid = "key-b-0123456789abcdef"\nallow = ["wallet_raed"]\ndeny = "api_stopp"\n',
    ].join('\n');
    const { model } = parseAccessFile(text);
    expect(model!.userColumns).toBeDefined();
    const fromColumns = compile(model!, nanoCatalog);
    expect(fromColumns.policy).toBeNull();
    expect(fromColumns.diagnostics.map((d) => d.ruleId)).toEqual([
      'unknown-role',
      'unknown-permission',
      'unknown-permission',
    ]);
    expect(fromColumns).toEqual(compile(withoutColumns(model!), nanoCatalog));
  });

  it('reports an unknown name in a role whose users have none', () => {
    const text = [
      '[[role]]\nid = "reader"\nallow = "wallet_raed"\n',
      '[[user]]\nid = "key-a-0123456789abcdef"\nroles = "reader"\nallow = "api_stop"\n',
    ].join('\n');
    const { model } = parseAccessFile(text);
    expect(model!.userColumns).toBeDefined();
    const fromColumns = compile(model!, nanoCatalog);
    expect(fromColumns.policy).toBeNull();
    expect(fromColumns.diagnostics.map((d) => [d.ruleId, d.span.start.line])).toEqual([['unknown-permission', 3]]);
    expect(fromColumns).toEqual(compile(withoutColumns(model!), nanoCatalog));
  });
});
