import { loadPolicy, nanoCatalog, type Policy } from '@nano-access/resolver';

const TEXT = `
[[user]]
id = ""
allow = "node_query"
deny = "api_version"

[[role]]
id = "reader"
allow = "account_query, wallet_read"

[[user]]
id = "alice-0001"
roles = "reader"
deny = "api_account_balance"

[[user]]
id = "bob-0002"
allow = "wallet"
deny = "wallet_write"
bare = true

[[user]]
id = "carol-0003"
allow = "unrestricted"
deny = "node_control"
`;

function policy(): Policy {
  const loaded = loadPolicy(TEXT);
  if (loaded.policy === null) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.policy;
}

describe('Policy.decide', () => {
  const p = policy();

  it('names the user by position (0-based index) or as the default user, or says the credentials are unknown', () => {
    expect(p.decide('alice-0001', 'api_account_info').user).toEqual({ kind: 'user', index: 1 });
    expect(p.decide(undefined, 'api_peers').user).toEqual({ kind: 'default', index: 0 });
    expect(p.decide('', null)).toEqual({ allowed: true, user: { kind: 'default', index: 0 } });
    expect(p.decide('stranger', 'api_peers')).toEqual({
      allowed: false,
      user: { kind: 'unknown' },
      reason: 'unknown-credentials',
    });
    expect(p.decide('stranger', null)).toEqual({ allowed: true, user: { kind: 'unknown' } });
  });

  it.each([
    ['alice-0001', 'api_account_balance', 'deny', 'api_account_balance'],
    ['bob-0002', 'api_send', 'deny', 'wallet_write'],
    ['carol-0003', 'api_stop', 'deny', 'node_control'],
    ['bob-0002', 'api_peers', 'no-grant', undefined],
    ['alice-0001', 'api_version', 'default-user-deny', 'api_version'],
    ['alice-0001', 'no_such_permission', 'unknown-permission', undefined],
  ])('%s may not %s: %s (%s)', (user, permission, reason, deny) => {
    const decision = p.decide(user, permission);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe(reason);
    expect(decision.deny).toBe(deny);
  });

  it("agrees with check() on every user and permission, and with explain()'s derivation on every denial", () => {
    const users = [undefined, 'alice-0001', 'bob-0002', 'carol-0003', 'stranger'];
    for (const user of users) {
      for (const { name } of nanoCatalog.permissions) {
        const decision = p.decide(user, name);
        expect(decision.allowed).toBe(p.check(user, name));
        if (decision.allowed) continue;
        const explained = p.explain(user, name).permission!;
        switch (decision.reason) {
          case 'unknown-credentials':
            expect(p.explain(user).user.kind).toBe('unknown');
            break;
          case 'no-grant':
            expect(explained.grants).toEqual([]);
            break;
          case 'deny':
            expect(explained.grants.length).toBeGreaterThan(0);
            expect(explained.denies).toContainEqual(
              expect.objectContaining({ source: 'deny', permission: decision.deny }),
            );
            break;
          case 'default-user-deny':
            expect(explained.grants).toEqual([]);
            expect(explained.denies).toContainEqual({
              source: 'inherited-default-user-deny',
              permission: decision.deny,
            });
            break;
          default:
            throw new Error(`unexpected reason ${decision.reason}`);
        }
      }
    }
  });
});
