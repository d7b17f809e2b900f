import fc from 'fast-check';
import { loadPolicy, type Deny, type Grant, type Policy } from '@nano-access/resolver';
import { describeDeny, describeGrant, describeUserAt, diffTexts, type PolicyDiff } from '@nano-access/linter';
import { toml } from '../helpers/lint';

const ALICE = 'alice-7Hq2vX9kLm4Rt8Wc';
const BOB = 'bob-3Jn6pY1sQz5Ud0Fe';
const CAROL = 'carol-8Kd4wB2hTx6Nm9Ga';

function diff(before: string, after: string): PolicyDiff {
  const result = diffTexts({ text: before, file: 'old.toml' }, { text: after, file: 'new.toml' });
  if (!result.diff) throw new Error(JSON.stringify([...result.oldDiagnostics, ...result.newDiagnostics]));
  return result.diff;
}

describe('diffPolicies', () => {
  it('lists nothing for two files that differ only in form', () => {
    const before = toml(
      '[[role]]',
      'id = "r"',
      'allow = "wallet_read, node_query"',
      '[[user]]',
      `id = "${ALICE}"`,
      'roles = "r"',
    );
    const after = toml(
      '# reordered, array form',
      '[[role]]',
      'id = "r"',
      'allow = ["node_query", "wallet_read"]',
      '[[user]]',
      `id = "${ALICE}"`,
      'roles = ["r"]',
    );
    expect(diff(before, after)).toEqual({ oldFile: 'old.toml', newFile: 'new.toml', users: [], noEffect: [] });
  });

  it('shows a change of the default user on every non-bare user it reaches, the default user first', () => {
    const users = (defaultAllow: string): string =>
      toml(
        '[[user]]',
        `allow = "${defaultAllow}"`,
        '[[user]]',
        `id = "${ALICE}"`,
        '[[user]]',
        `id = "${BOB}"`,
        'bare = true',
        '[[user]]',
        `id = "${CAROL}"`,
        'deny = "api_account_info"',
      );
    const result = diff(users('node_query'), users('node_query, api_account_info'));
    expect(result.users).toEqual([
      {
        user: 'the default user',
        status: 'changed',
        isDefault: true,
        line: 1,
        gained: [{ permission: 'api_account_info', because: 'granted by allow' }],
        lost: [],
      },
      {
        user: describeUserAt(1, ALICE, false),
        status: 'changed',
        isDefault: false,
        line: 3,
        gained: [{ permission: 'api_account_info', because: 'granted by inherited from the default user' }],
        lost: [],
      },
    ]);
  });

  it('names the role that now grants a permission, and lists a role change with no effect once', () => {
    const before = toml(
      '[[role]]',
      'id = "reader"',
      'allow = "wallet_read"',
      '[[role]]',
      'id = "idle"',
      'allow = "api_stop"',
      '[[user]]',
      `id = "${ALICE}"`,
      'roles = "reader"',
    );
    const after = toml(
      '[[role]]',
      'id = "reader"',
      'allow = "wallet_read, api_account_history"',
      '[[role]]',
      'id = "idle"',
      'allow = "node_control"',
      '[[user]]',
      `id = "${ALICE}"`,
      'roles = "reader"',
    );
    const result = diff(before, after);
    expect(result.users.map((u) => [u.user, u.gained, u.lost])).toEqual([
      [describeUserAt(0, ALICE, false), [{ permission: 'api_account_history', because: 'granted by role reader' }], []],
    ]);
    expect(result.noEffect).toEqual(['role idle: allow changed']);
  });

  it('lists a role change as no effect when every user it reaches already had the permission', () => {
    const before = toml(
      '[[role]]',
      'id = "reader"',
      'allow = "wallet_read"',
      '[[user]]',
      `id = "${ALICE}"`,
      'roles = "reader"',
      'allow = "node_query"',
    );
    const after = toml(
      '[[role]]',
      'id = "reader"',
      'allow = "wallet_read, node_query"',
      '[[user]]',
      `id = "${ALICE}"`,
      'roles = "reader"',
      'allow = "node_query"',
    );
    expect(diff(before, after)).toMatchObject({ users: [], noEffect: ['role reader: allow changed'] });
  });

  it('says which deny went when a granted permission comes back', () => {
    const before = toml(
      '[[user]]',
      `id = "${ALICE}"`,
      'allow = "wallet"',
      'deny = "wallet_seed_change"',
      'bare = true',
    );
    const after = toml('[[user]]', `id = "${ALICE}"`, 'allow = "wallet"', 'bare = true');
    const gained = diff(before, after).users[0].gained;
    expect(gained.map((g) => g.permission)).toEqual(['api_wallet_change_seed', 'wallet', 'wallet_seed_change']);
    expect(gained[2].because).toBe('granted by implied by wallet (allow) (was: removed by deny wallet_seed_change)');
    expect(gained[1].because).toBe(
      'granted by allow (was: removed by deny wallet_seed_change (this permission includes wallet_seed_change, so it goes too))',
    );
  });

  it('names the deny that removes a permission, and what used to grant one nothing grants now', () => {
    const before = toml(
      '[[role]]',
      'id = "ops"',
      'allow = "api_stop"',
      '[[user]]',
      `id = "${ALICE}"`,
      'roles = "ops"',
      'allow = "wallet_read"',
      'bare = true',
    );
    const after = toml(
      '[[role]]',
      'id = "ops"',
      'allow = "api_stop"',
      '[[user]]',
      `id = "${ALICE}"`,
      'allow = "wallet_read"',
      'deny = "api_wallet_info"',
      'bare = true',
    );
    const lost = diff(before, after).users[0].lost;
    expect(lost).toEqual([
      { permission: 'api_stop', because: 'granted by nothing (was: granted by role ops)' },
      { permission: 'api_wallet_info', because: 'removed by deny api_wallet_info' },
      {
        permission: 'wallet_read',
        because: 'removed by deny api_wallet_info (this permission includes api_wallet_info, so it goes too)',
      },
    ]);
  });

  it('reports an added and a removed user with all of their permissions; a removed one at its line in OLD, where it stood', () => {
    const before = toml(
      '[[user]]',
      `id = "${ALICE}"`,
      'allow = "api_stop"',
      'bare = true',
      '[[user]]',
      `id = "${BOB}"`,
      'allow = "api_send, wallet_read"',
      'bare = true',
    );
    const after = toml(
      '[[user]]',
      `id = "${CAROL}"`,
      'allow = "node_query"',
      'bare = true',
      '[[user]]',
      `id = "${ALICE}"`,
      'allow = "api_stop"',
      'bare = true',
    );
    const result = diff(before, after);
    expect(result.users.map((u) => [u.user, u.status, u.line])).toEqual([
      [describeUserAt(0, CAROL, false), 'added', 1],
      [describeUserAt(1, BOB, false), 'removed', 5],
    ]);
    expect(result.users[0].gained.map((g) => g.permission)).toContain('api_version');
    expect(
      result.users[0].gained.every(
        (g) => g.because === 'granted by implied by node_query (allow)' || g.because === 'granted by allow',
      ),
    ).toBe(true);
    expect(result.users[1].lost.find((l) => l.permission === 'api_send')?.because).toBe('was: granted by allow');
    expect(result.users[1].lost.find((l) => l.permission === 'api_account_list')?.because).toBe(
      'was: granted by implied by wallet_read (allow)',
    );
    expect(result.users[1].lost.map((l) => l.permission)).toEqual(
      [...result.users[1].lost.map((l) => l.permission)].sort(),
    );
  });

  it('lists a removed user after the users that stood before it in OLD', () => {
    const user = (id: string): string => toml('[[user]]', `id = "${id}"`, 'allow = "api_stop"');
    const before = [user(ALICE), user(BOB), user(CAROL)].join('\n');
    const after = [user(ALICE), user(CAROL)]
      .join('\n')
      .replace(`id = "${CAROL}"\nallow = "api_stop"`, `id = "${CAROL}"\nallow = "api_send"`);
    expect(diff(before, after).users.map((u) => [u.user, u.status])).toEqual([
      [describeUserAt(1, BOB, false), 'removed'],
      [describeUserAt(1, CAROL, false), 'changed'],
    ]);
  });

  it('compares a configured default user with the implicit one (the built-in defaults)', () => {
    const result = diff('', toml('[[user]]', 'bare = true'));
    expect(result.users).toEqual([
      {
        user: 'the default user',
        status: 'changed',
        isDefault: true,
        line: 1,
        gained: [],
        lost: [
          {
            permission: 'api_account_weight',
            because: 'granted by nothing (was: granted by built-in default of the default user)',
          },
        ],
      },
    ]);
  });

  it('never carries a whole id', () => {
    const before = toml('[[user]]', `id = "${ALICE}"`, 'allow = "wallet"');
    const after = toml('[[user]]', `id = "${BOB}"`, 'allow = "wallet"');
    const text = JSON.stringify(diff(before, after));
    expect(text).not.toContain(ALICE);
    expect(text).not.toContain(BOB);
    expect(text).toContain(`…${BOB.slice(-4)}`);
  });
});

// Random pairs of related files: the same few users and roles, each part taken from one of two random variants.
const PERMISSIONS = [
  'unrestricted',
  'wallet',
  'wallet_read',
  'wallet_write',
  'wallet_seed_change',
  'service',
  'api_service_stop',
  'account_query',
  'api_account_weight',
  'api_account_info',
  'node_query',
];
const ROLES = ['ops', 'reader', 'root'];
const names = (max: number): fc.Arbitrary<string[]> => fc.subarray(PERMISSIONS, { maxLength: max });
const userShape = fc.record({
  present: fc.boolean(),
  roles: fc.subarray(ROLES, { maxLength: 2 }),
  allow: names(3),
  deny: names(2),
  bare: fc.boolean(),
});
const fileShape = fc.record({
  roles: fc.tuple(names(3), names(3), names(3)),
  defaultUser: fc.record({ present: fc.boolean(), allow: names(3), deny: names(2), bare: fc.boolean() }),
  users: fc.array(userShape, { minLength: 4, maxLength: 4 }),
});
type FileShape = typeof fileShape extends fc.Arbitrary<infer T> ? T : never;
const ID = (i: number): string => `k${i}-6f0c2d5e9a8b4c1d7e3f`;
const quoted = (list: string[]): string => `"${list.join(', ')}"`;

function render(shape: FileShape): string {
  const parts = ROLES.map((id, i) => `[[role]]\nid = "${id}"\nallow = ${quoted(shape.roles[i])}\n`);
  const d = shape.defaultUser;
  if (d.present) parts.push(`[[user]]\nallow = ${quoted(d.allow)}\ndeny = ${quoted(d.deny)}\nbare = ${d.bare}\n`);
  shape.users.forEach((u, i) => {
    if (u.present)
      parts.push(
        `[[user]]\nid = "${ID(i)}"\nroles = ${quoted(u.roles)}\nallow = ${quoted(u.allow)}\ndeny = ${quoted(u.deny)}\nbare = ${u.bare}\n`,
      );
  });
  return parts.join('\n');
}

/** Two files that share most of their parts: each part of the second comes from the first unless its flag says otherwise. */
const relatedPair = fc
  .tuple(fileShape, fileShape, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }))
  .map(([a, b, own]): [FileShape, FileShape] => {
    const mixed: FileShape = {
      roles: [own[0] ? b.roles[0] : a.roles[0], a.roles[1], own[1] ? b.roles[2] : a.roles[2]],
      defaultUser: own[2] ? b.defaultUser : a.defaultUser,
      users: a.users.map((u, i) => (own[3 + i] ? b.users[i] : u)),
    };
    return [a, mixed];
  });

/** The diff as the issue defines it, computed the slow way: every user's whole set, every change explained on both sides. */
function referenceDiff(
  before: string,
  after: string,
): { user: string; status: string; gained: [string, string][]; lost: [string, string][] }[] {
  const old = loadPolicy(before);
  const next = loadPolicy(after);
  const o = old.policy!;
  const n = next.policy!;
  const grants = (list: Grant[]): string =>
    list.length === 0 ? 'granted by nothing' : list.map((g) => `granted by ${describeGrant(g)}`).join('; ');
  const denies = (list: Deny[]): string => list.map((d) => `removed by ${describeDeny(d)}`).join('; ');
  const explained = (policy: Policy, id: string, p: string) => policy.explain(id, p).permission!;
  const rows: {
    order: number;
    row: { user: string; status: string; gained: [string, string][]; lost: [string, string][] };
  }[] = [];
  const ids = new Set(['', ...old.model!.users.map((u) => u.id), ...next.model!.users.map((u) => u.id)]);
  for (const id of ids) {
    const inOld = id === '' || old.model!.users.some((u) => u.id === id);
    const inNew = id === '' || next.model!.users.some((u) => u.id === id);
    const entry = next.model!.users.find((u) => u.id === id) ?? old.model!.users.find((u) => u.id === id);
    const label = id === '' ? 'the default user' : describeUserAt(entry!.index, id, false);
    const was = inOld ? o.effective(id) : [];
    const now = inNew ? n.effective(id) : [];
    const gained = now.filter((p) => !was.includes(p));
    const lost = was.filter((p) => !now.includes(p));
    const status = !inOld ? 'added' : !inNew ? 'removed' : 'changed';
    // An added or removed user is listed even with no permission at all: a key appears or goes.
    if (gained.length === 0 && lost.length === 0 && status === 'changed') continue;
    const row = {
      user: label,
      status,
      gained: gained.map((p): [string, string] => {
        const after = explained(n, id, p);
        if (status === 'added') return [p, grants(after.grants)];
        const before = explained(o, id, p);
        return [p, grants(after.grants) + (before.denies.length > 0 ? ` (was: ${denies(before.denies)})` : '')];
      }),
      lost: lost.map((p): [string, string] => {
        const before = explained(o, id, p);
        if (status === 'removed') return [p, `was: ${grants(before.grants)}`];
        const after = explained(n, id, p);
        return [
          p,
          after.denies.length > 0 ? denies(after.denies) : `granted by nothing (was: ${grants(before.grants)})`,
        ];
      }),
    };
    rows.push({ order: id === '' ? -1 : 0, row });
  }
  return rows.map((r) => r.row);
}

describe('diffPolicies on random related files', () => {
  it('finds exactly the users whose effective sets differ, each change with its derivation from explain', () => {
    fc.assert(
      fc.property(relatedPair, ([a, b]) => {
        const before = render(a);
        const after = render(b);
        const actual = diff(before, after).users.map((u) => ({
          user: u.user,
          status: u.status,
          gained: u.gained.map((c): [string, string] => [c.permission, c.because]),
          lost: u.lost.map((c): [string, string] => [c.permission, c.because]),
        }));
        const byUser = (x: { user: string; status: string }, y: { user: string; status: string }): number =>
          `${x.user}${x.status}`.localeCompare(`${y.user}${y.status}`);
        expect([...actual].sort(byUser)).toEqual(referenceDiff(before, after).sort(byUser));
      }),
      { numRuns: 200 },
    );
  });

  it('lists a changed role as no effect exactly when undoing its change changes no effective set', () => {
    const key = (names: string[]): string => [...new Set(names)].sort().join();
    fc.assert(
      fc.property(relatedPair, ([a, b]) => {
        const result = diff(render(a), render(b));
        ROLES.forEach((role, at) => {
          if (key(a.roles[at]) === key(b.roles[at])) return;
          const undone: FileShape = {
            ...b,
            roles: b.roles.map((allow, i) => (i === at ? a.roles[i] : allow)) as FileShape['roles'],
          };
          const undoingChangesSomething = diff(render(undone), render(b)).users.length > 0;
          expect({ role, listed: result.noEffect.includes(`role ${role}: allow changed`) }).toEqual({
            role,
            listed: !undoingChangesSomething,
          });
        });
      }),
      { numRuns: 300 },
    );
  });
});
