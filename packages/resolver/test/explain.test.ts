import { compile, nanoCatalog, type Policy } from '@nano-access/resolver';
import { buildModel } from './helpers/model';
import { tinyCatalog } from './helpers/catalogs';

const policy: Policy = compile(
  buildModel({
    roles: [
      { id: 'auditor', allow: ['audit'] },
      { id: 'admins', allow: ['admin'] },
    ],
    users: [
      { allow: ['read', 'write'], deny: ['write'] },
      { id: 'inheritor' },
      { id: 'layered', roles: ['auditor', 'admins'], allow: ['audit_read', 'admin'] },
      { id: 'narrowed', allow: ['unrestricted'], deny: ['audit'] },
      { id: 'bare', allow: ['write'], bare: true },
    ],
  }),
  tinyCatalog,
).policy!;

describe('Policy.explain', () => {
  it('names the default user and its built-in defaults', () => {
    const explanation = policy.explain(undefined, 'ping');
    expect(explanation.user).toEqual({ id: '', kind: 'default', index: 0 });
    expect(explanation.effective).toEqual(['ping', 'read']);
    expect(explanation.permission).toEqual({
      name: 'ping',
      allowed: true,
      grants: [{ source: 'builtin-default' }],
      denies: [],
    });
  });

  it('names a user with its position in the file', () => {
    expect(policy.explain('layered').user).toEqual({ id: 'layered', kind: 'user', index: 2 });
  });

  it('reports unknown credentials with no permissions', () => {
    expect(policy.explain('who', 'ping')).toEqual({
      user: { id: 'who', kind: 'unknown' },
      effective: [],
      permission: { name: 'ping', allowed: false, grants: [], denies: [] },
    });
  });

  it('shows inheritance from the default user', () => {
    expect(policy.explain('inheritor', 'read').permission).toEqual({
      name: 'read',
      allowed: true,
      grants: [{ source: 'inherited-default-user' }],
      denies: [],
    });
  });

  it("shows a default user's deny as the reason an inheriting user lacks a permission", () => {
    expect(policy.explain('inheritor', 'write').permission).toEqual({
      name: 'write',
      allowed: false,
      grants: [],
      denies: [{ source: 'inherited-default-user-deny', permission: 'write' }],
    });
  });

  it("does not blame a default user's deny for a permission the default user never had", () => {
    expect(policy.explain('inheritor', 'audit').permission).toEqual({
      name: 'audit',
      allowed: false,
      grants: [],
      denies: [],
    });
  });

  it('lists every grant: each role, each allow (in catalog order), and the implies chain', () => {
    expect(policy.explain('layered', 'audit_read').permission!.grants).toEqual([
      { source: 'implied', by: 'audit', via: { source: 'role', role: 'auditor' } },
      {
        source: 'implied',
        by: 'audit',
        via: { source: 'implied', by: 'admin', via: { source: 'role', role: 'admins' } },
      },
      { source: 'implied', by: 'audit', via: { source: 'implied', by: 'admin', via: { source: 'allow' } } },
      { source: 'allow' },
    ]);
  });

  it('shows unrestricted as the source, and each deny with why it removed the permission', () => {
    const audit = policy.explain('narrowed', 'audit_read').permission!;
    expect(audit.allowed).toBe(false);
    expect(audit.grants).toEqual([{ source: 'unrestricted', via: { source: 'allow' } }]);
    expect(audit.denies).toEqual([{ source: 'deny', permission: 'audit', reason: 'implied-by-denied' }]);

    const admin = policy.explain('narrowed', 'admin').permission!;
    expect(admin.denies).toEqual([{ source: 'deny', permission: 'audit', reason: 'implies-denied' }]);

    const itself = policy.explain('narrowed', 'audit').permission!;
    expect(itself.denies).toEqual([{ source: 'deny', permission: 'audit', reason: 'denied' }]);

    const unrestricted = policy.explain('narrowed', 'unrestricted').permission!;
    expect(unrestricted).toMatchObject({
      allowed: false,
      grants: [{ source: 'allow' }],
      denies: [{ permission: 'audit', reason: 'implies-denied' }],
    });
  });

  it('shows no inheritance for a bare user', () => {
    expect(policy.explain('bare', 'read').permission).toEqual({ name: 'read', allowed: false, grants: [], denies: [] });
    expect(policy.explain('bare', 'write').permission!.grants).toEqual([{ source: 'allow' }]);
  });

  it('explains a name outside the catalog as denied with no sources', () => {
    expect(policy.explain('layered', 'nope').permission).toEqual({
      name: 'nope',
      allowed: false,
      grants: [],
      denies: [],
    });
  });

  it('agrees with check() and effective()', () => {
    for (const who of [undefined, 'inheritor', 'layered', 'narrowed', 'bare', 'who']) {
      const explanation = policy.explain(who);
      expect(explanation.effective).toEqual(policy.effective(who));
      for (const p of tinyCatalog.permissions)
        expect(policy.explain(who, p.name).permission!.allowed).toBe(policy.check(who, p.name));
    }
  });

  it('names each of many users with its own position, duplicates and an implicit default user notwithstanding', () => {
    const users = Array.from({ length: 500 }, (_, i) => ({
      id: `user-${i % 400}`,
      allow: i % 2 ? ['read'] : ['write'],
    }));
    const many = compile(buildModel({ users }), tinyCatalog).policy!;
    for (let i = 0; i < 400; i++)
      expect(many.explain(`user-${i}`).user).toEqual({ id: `user-${i}`, kind: 'user', index: i });
    expect(many.explain('user-400').user.kind).toBe('unknown');
  });

  it('omits the index of an implicit default user', () => {
    const implicit = compile(buildModel({ users: [{ id: 'k' }] }), tinyCatalog).policy!;
    expect(implicit.explain('').user).toEqual({ id: '', kind: 'default' });
  });

  it('lists effective names in name order across every word of a large catalog (ids are not in name order)', () => {
    const nano = compile(
      buildModel({
        users: [
          { id: 'all', allow: ['unrestricted'] },
          { id: 'some', allow: ['wallet', 'api_send', 'node_query'], deny: ['wallet_seed_change'], bare: true },
          { id: 'none', bare: true },
        ],
      }),
      nanoCatalog,
    ).policy! as Policy;
    const names = nanoCatalog.permissions.map((p) => p.name);
    for (const who of ['all', 'some', 'none', '', 'stranger']) {
      const expected = names.filter((name) => nano.check(who, name)).sort();
      expect(nano.explain(who).effective).toEqual(expected);
      expect(nano.explain(who, 'wallet').effective).toEqual(expected); // again: from the cache
      expect(nano.effective(who)).toEqual(expected);
    }
    expect(nano.explain('all').effective).toHaveLength(names.length);
  });
});
