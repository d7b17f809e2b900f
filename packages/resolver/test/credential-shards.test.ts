import { exportPolicy, loadPolicy, nanoCatalog, PolicyAssembler, TRANSFER_ID_CHUNK } from '@nano-access/resolver';
import type { AssemblerOptions, Policy } from '@nano-access/resolver';
import { shardCountFor, shardOf, ShardedSlots, type CredentialSlots } from '../src/credential-shards';
import type { PolicyTables } from '../src/policy-tables';
import { isDeepStrictEqual } from 'node:util';

/** Ids of the shapes credentials take: hex keys, padded base64, numbered names, non-ASCII, one character. */
function idOf(i: number): string {
  switch (i % 5) {
    case 0:
      return `key-${(i * 2654435761).toString(16).padStart(12, '0')}`;
    case 1:
      return Buffer.from(`secret-${i}`).toString('base64');
    case 2:
      return `user-${String(i).padStart(4, '0')}`;
    case 3:
      return `caf\u00e9-\u043a\u043b\u044e\u0447-${i}`;
    default:
      return String.fromCharCode(0x41 + (i % 26)) + (i >= 26 ? String(i) : '');
  }
}

const USERS = 3000;

function accessFile(): string {
  const parts = ['[[role]]\nid = "reader"\nallow = "wallet_read, account_query"\n', '[[user]]\nallow = "node_query"\n'];
  for (let i = 0; i < USERS; i++) {
    const lists = [
      `allow = "${i % 3 === 0 ? 'wallet_write' : 'node_query'}"`,
      i % 4 === 0 ? 'roles = "reader"' : '',
      i % 7 === 0 ? 'deny = "account_query"' : '',
      i % 11 === 0 ? 'bare = true' : '',
    ];
    parts.push(`[[user]]\nid = ${JSON.stringify(idOf(i))}\n${lists.filter((l) => l !== '').join('\n')}\n`);
  }
  return parts.join('\n');
}

function assemble(policy: Policy, options: AssemblerOptions): { copy: Policy; steps: number } {
  const assembler = new PolicyAssembler(exportPolicy(policy), nanoCatalog, options);
  let steps = 1;
  while (!assembler.addChunk()) steps++;
  return { copy: assembler.finish(), steps };
}

function slotsOf(policy: Policy): CredentialSlots {
  return (policy as unknown as { tables: PolicyTables }).tables.slots;
}

describe('credentials in shards (a policy above the threshold)', () => {
  const original = loadPolicy(accessFile()).policy!;
  const names = nanoCatalog.permissions.map((p) => p.name);
  const decided = ['wallet_read', 'wallet_write', 'account_query', 'node_query', 'no_such_permission'];
  const asked: unknown[] = ['', undefined, null, 'nobody', 'user-', 'user-0002x', 7, {}, ['user-0002']];
  for (let i = 0; i < USERS; i++) asked.push(idOf(i));

  it('answers every question exactly as the one-Map policy it was exported from', () => {
    const { copy } = assemble(original, { shardAbove: 100, idsPerShard: 200 });
    const slots = slotsOf(copy);
    expect(slots).toBeInstanceOf(ShardedSlots);
    expect(slotsOf(original)).toBeInstanceOf(Map);
    // Every answer of each policy in one list, compared once (an expect per answer is minutes).
    const answersOf = (policy: Policy): unknown[] => {
      const out: unknown[] = [];
      const prepared = policy.permissionId('wallet_read');
      for (const credentials of asked) {
        const who = credentials as string;
        for (const name of names) out.push(policy.check(who, name));
        for (const name of decided) out.push(policy.decide(who, name));
        out.push(
          policy.checkAll(who, ['wallet_read', 'node_query']),
          policy.checkAny(who, ['wallet_write', 'account_query']),
          policy.checkId(who, prepared),
          policy.effective(who),
          policy.explain(who, 'account_query'),
          policy.decide(who, null),
        );
      }
      return out;
    };
    const got = answersOf(copy);
    const expected = answersOf(original);
    const at = expected.findIndex((answer, i) => !isDeepStrictEqual(got[i], answer));
    expect({ at, got: got[at] }).toEqual({ at: -1, got: undefined });
    expect(got).toHaveLength(expected.length);
    expect(copy.userCount).toBe(original.userCount);
  });

  it('spreads the ids over 16 shards, each holding its own, and iterates in slot order', () => {
    const { copy } = assemble(original, { shardAbove: 100, idsPerShard: 200 });
    const slots = slotsOf(copy);
    expect(shardCountFor(USERS + 1, 100, 200)).toBe(16);
    const shards = (slots as unknown as { shards: Map<string, number>[] }).shards;
    expect(shards).toHaveLength(16);
    for (const [s, shard] of shards.entries()) {
      expect(shard.size).toBeGreaterThan(0);
      for (const id of shard.keys()) expect(shardOf(id, 15)).toBe(s);
    }
    expect([...slots]).toEqual([...slotsOf(original)]);
    expect(slots.size).toBe(USERS + 1);
    expect(slots.has('nobody')).toBe(false);
    // Exported again, it rebuilds as one Map with the same slots.
    const again = assemble(copy, {}).copy;
    expect(slotsOf(again)).toBeInstanceOf(Map);
    expect([...slotsOf(again)]).toEqual([...slotsOf(original)]);
  });

  it('keeps one Map at or below the threshold', () => {
    expect(slotsOf(assemble(original, { shardAbove: USERS + 1 }).copy)).toBeInstanceOf(Map);
    expect(slotsOf(assemble(original, { shardAbove: USERS }).copy)).toBeInstanceOf(ShardedSlots);
  });
});

describe('PolicyAssembler turns', () => {
  it('ends a turn after a set that doubled a table of 2^14 ids, and adds the rest of the chunk in the next', () => {
    const users = 20_000; // with the default user, the one Map doubles at 16,384 ids (in chunk 4)
    const text = Array.from(
      { length: users },
      (_, i) => `[[user]]\nid = "key-${i}-abcdefghijkl"\nallow = "node_query"\n`,
    );
    const original = loadPolicy(text.join('\n')).policy!;
    const { copy, steps } = assemble(original, {});
    expect(steps).toBe(Math.ceil(users / TRANSFER_ID_CHUNK) + 1);
    for (let i = 0; i < users; i += 13)
      expect(copy.explain(`key-${i}-abcdefghijkl`).user).toEqual(original.explain(`key-${i}-abcdefghijkl`).user);
  });

  it("ends a turn once the shards' doublings, together, have moved 2^14 ids", () => {
    const users = 20_000; // 32 shards of ~625 ids: all double at 512 about the 16,384th id, in chunk 4 (16,384 moved)
    const text = Array.from(
      { length: users },
      (_, i) => `[[user]]\nid = "key-${i}-abcdefghijkl"\nallow = "node_query"\n`,
    );
    const original = loadPolicy(text.join('\n')).policy!;
    const { copy, steps } = assemble(original, { shardAbove: 100, idsPerShard: 1250 });
    expect(steps).toBeGreaterThan(Math.ceil(users / TRANSFER_ID_CHUNK));
    for (let i = 0; i < users; i += 13) expect(copy.check(`key-${i}-abcdefghijkl`, 'node_query')).toBe(true);
  });
});
