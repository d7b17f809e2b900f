import { compile, nanoCatalog, type Policy } from '@nano-access/resolver';
import { buildModel, type RoleSpec, type UserSpec } from './helpers/model';
import { tinyCatalog } from './helpers/catalogs';

function policyOf(spec: { roles?: RoleSpec[]; users?: UserSpec[] }, catalog = tinyCatalog): Policy {
  const result = compile(buildModel(spec), catalog);
  expect(result.diagnostics).toEqual([]);
  expect(result.policy).not.toBeNull();
  return result.policy!;
}

describe('compile: resolution (docs/access-file.md, "Resolution")', () => {
  it('closes an allowed permission under implies, transitively', () => {
    const policy = policyOf({ users: [{}, { id: 'k', allow: ['admin'], bare: true }] });
    expect(policy.effective('k')).toEqual(['admin', 'audit', 'audit_read', 'read', 'write']);
  });

  it('removes a denied permission', () => {
    const policy = policyOf({ users: [{}, { id: 'k', allow: ['read', 'write'], deny: ['write'] }] });
    expect(policy.check('k', 'read')).toBe(true);
    expect(policy.check('k', 'write')).toBe(false);
  });

  it('denies a permission implied by a denied one, even when it is allowed directly', () => {
    const policy = policyOf({ users: [{}, { id: 'k', allow: ['audit_read', 'read'], deny: ['audit'] }] });
    expect(policy.check('k', 'audit_read')).toBe(false);
    expect(policy.check('k', 'read')).toBe(true);
  });

  it('denies every permission that implies a denied one, keeping the rest of its closure', () => {
    const policy = policyOf({ users: [{}, { id: 'k', allow: ['admin'], deny: ['audit_read'], bare: true }] });
    expect(policy.effective('k')).toEqual(['read', 'write']);
  });

  it('denies a permission that implies anything the denied one implies, so the set stays closed under implies', () => {
    const diamond = {
      name: 'diamond',
      permissions: [
        { name: 'unrestricted', description: '', implies: [] },
        { name: 'left', description: '', implies: ['common'] },
        { name: 'right', description: '', implies: ['common'] },
        { name: 'common', description: '', implies: [] },
      ],
      defaults: [],
      messages: {},
    };
    const policy = policyOf({ users: [{ id: 'k', allow: ['left', 'right'], deny: ['right'] }] }, diamond);
    // left would re-grant common, which right's deny removed.
    expect(policy.effective('k')).toEqual([]);
    expect(policy.explain('k', 'left').permission!.denies).toEqual([
      { source: 'deny', permission: 'right', reason: 'implies-denied' },
    ]);
  });

  it('lets deny win over a role', () => {
    const policy = policyOf({
      roles: [{ id: 'r', allow: ['read'] }],
      users: [{}, { id: 'k', roles: ['r'], deny: ['read'] }],
    });
    expect(policy.check('k', 'read')).toBe(false);
  });

  it('lets deny win over inheritance from the default user', () => {
    const policy = policyOf({ users: [{ allow: ['read'] }, { id: 'k', deny: ['read'] }] });
    expect(policy.check('', 'read')).toBe(true);
    expect(policy.check('k', 'read')).toBe(false);
    expect(policy.check('k', 'ping')).toBe(true);
  });

  it('lets deny narrow unrestricted: everything but the denied permission and its ancestors', () => {
    const policy = policyOf({ users: [{}, { id: 'k', allow: ['unrestricted'], deny: ['audit'] }] });
    expect(policy.effective('k')).toEqual(['ping', 'read', 'write']);
    expect(policy.check('k', 'unrestricted')).toBe(false);
  });

  it('gives unrestricted every permission of the catalog', () => {
    const policy = policyOf({ users: [{}, { id: 'k', allow: ['unrestricted'], bare: true }] });
    expect(policy.effective('k')).toEqual([...tinyCatalog.permissions.map((p) => p.name)].sort());
  });

  it('adopts the closure of every role a user names', () => {
    const policy = policyOf({
      roles: [
        { id: 'auditor', allow: ['audit'] },
        { id: 'writer', allow: ['write'] },
      ],
      users: [{}, { id: 'k', roles: ['auditor', 'writer'], bare: true }],
    });
    expect(policy.effective('k')).toEqual(['audit', 'audit_read', 'write']);
  });

  it("makes non-bare users inherit the configured default user's effective set, not the built-in defaults", () => {
    const policy = policyOf({ users: [{ allow: ['read'], deny: ['ping'] }, { id: 'k' }] });
    expect(policy.effective('k')).toEqual(['read']);
  });

  it('gives bare users nothing from the default user', () => {
    const policy = policyOf({ users: [{ allow: ['read'] }, { id: 'k', allow: ['write'], bare: true }] });
    expect(policy.effective('k')).toEqual(['write']);
  });

  it('gives a bare default user no built-in defaults', () => {
    const policy = policyOf({ users: [{ bare: true }, { id: 'k' }] });
    expect(policy.effective('')).toEqual([]);
    expect(policy.effective('k')).toEqual([]);
  });

  it('gives the default user the catalog defaults plus its roles and allow', () => {
    const policy = policyOf({ roles: [{ id: 'r', allow: ['write'] }], users: [{ roles: ['r'], allow: ['read'] }] });
    expect(policy.effective('')).toEqual(['ping', 'read', 'write']);
  });

  it('behaves as if [[user]] id = "" came first when the file has no default user', () => {
    const policy = policyOf({ users: [{ id: 'k', allow: ['read'] }] });
    expect(policy.effective('')).toEqual(['ping']);
    expect(policy.effective('k')).toEqual(['ping', 'read']);
    expect(policy.userCount).toBe(1);
  });

  it('gives an empty file the default user alone, with the catalog defaults', () => {
    const policy = policyOf({});
    expect(policy.effective(undefined)).toEqual(['ping']);
    expect(policy.userCount).toBe(0);
    expect(policy.check('anyone', 'ping')).toBe(false);
  });

  it('counts a configured default user among the users', () => {
    expect(policyOf({ users: [{}, { id: 'a' }, { id: 'b' }] }).userCount).toBe(3);
  });

  it('compiles against the Nano catalog by default', () => {
    const result = compile(buildModel({ users: [{ id: 'k', allow: ['wallet'] }] }));
    expect(result.policy?.catalog).toBe(nanoCatalog);
    expect(result.policy?.check('k', 'api_wallet_seed')).toBe(true);
  });
});

describe('compile: errors (docs/rules.md)', () => {
  it('reports an unknown permission at its exact span, with a did-you-mean, and yields no policy', () => {
    const model = buildModel({ users: [{ id: 'k', deny: ['wallet_raed'] }] });
    const { policy, diagnostics } = compile(model);
    expect(policy).toBeNull();
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({
      ruleId: 'unknown-permission',
      severity: 'error',
      messageId: 'unknownPermission',
      file: 'config-access.toml',
    });
    expect(d.message).toContain('"wallet_raed"');
    expect(d.message).toMatch(/Did you mean "wallet_read"\?$/);
    const start = model.source.text.indexOf('wallet_raed');
    expect(d.span).toEqual(model.source.span({ start, end: start + 'wallet_raed'.length }));
    expect(d.span.start).toMatchObject({ line: 3, column: 9 });
  });

  it('reports an unknown permission in a role and in allow', () => {
    const { policy, diagnostics } = compile(
      buildModel({ roles: [{ id: 'r', allow: ['raed'] }], users: [{ id: 'k', roles: ['r'], allow: ['wrte'] }] }),
      tinyCatalog,
    );
    expect(policy).toBeNull();
    expect(diagnostics.map((d) => [d.ruleId, d.span.start.line])).toEqual([
      ['unknown-permission', 3],
      ['unknown-permission', 7],
    ]);
    expect(diagnostics[0].message).toMatch(/Did you mean "read"\?$/);
  });

  it('omits the did-you-mean when no name is near', () => {
    const { diagnostics } = compile(buildModel({ users: [{ id: 'k', allow: ['zzzzzzzzzz'] }] }), tinyCatalog);
    expect(diagnostics[0].message).not.toContain('Did you mean');
  });

  it('reports a role no [[role]] defines at its span, with a did-you-mean', () => {
    const model = buildModel({ roles: [{ id: 'admins', allow: ['read'] }], users: [{ id: 'k', roles: ['admin'] }] });
    const { policy, diagnostics } = compile(model, tinyCatalog);
    expect(policy).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ ruleId: 'unknown-role', messageId: 'unknownRole', severity: 'error' });
    expect(diagnostics[0].message).toMatch(/Did you mean "admins"\?$/);
    const start = model.source.text.indexOf('"admin"') + 1;
    expect(diagnostics[0].span.start.offset).toBe(start);
    expect(diagnostics[0].span.end.offset).toBe(start + 5);
  });

  it('reports every error of the file, sorted by position', () => {
    const { diagnostics } = compile(
      buildModel({
        users: [
          { id: 'a', allow: ['x1'], roles: ['nope'] },
          { id: 'b', deny: ['x2'] },
        ],
      }),
      tinyCatalog,
    );
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['unknown-role', 'unknown-permission', 'unknown-permission']);
    const lines = diagnostics.map((d) => d.span.start.line);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));
  });

  it('takes the first role of a duplicated id (the parser reports the duplicate)', () => {
    const policy = policyOf({
      roles: [
        { id: 'r', allow: ['read'] },
        { id: 'r', allow: ['write'] },
      ],
      users: [{ id: 'k', roles: ['r'], bare: true }],
    });
    expect(policy.effective('k')).toEqual(['read']);
  });

  it('takes the first user of a duplicated id (the parser reports the duplicate)', () => {
    const policy = policyOf({
      users: [
        { id: 'k', allow: ['read'], bare: true },
        { id: 'k', allow: ['write'], bare: true },
      ],
    });
    expect(policy.effective('k')).toEqual(['read']);
  });
});
