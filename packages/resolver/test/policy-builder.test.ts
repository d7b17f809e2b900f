import { compile } from '@nano-access/resolver';
import { IdList, sortedDistinct } from '../src/policy-builder';
import { compactInts, compactUserIndex, userIndexOfSlot, type PolicyTables } from '../src/policy-tables';
import { buildModel, type UserSpec } from './helpers/model';
import { tinyCatalog } from './helpers/catalogs';

function tablesOf(users: UserSpec[]): PolicyTables {
  const policy = compile(buildModel({ roles: [{ id: 'r', allow: ['read'] }], users }), tinyCatalog).policy!;
  return (policy as unknown as { tables: PolicyTables }).tables;
}

describe('PolicyBuilder', () => {
  it('stores one effective set and one profile for many users configured alike', () => {
    const users: UserSpec[] = [{}];
    for (let i = 0; i < 300; i++)
      users.push({ id: `user-${i}`, roles: ['r'] }, { id: `writer-${i}`, allow: ['write', 'write'] });
    const tables = tablesOf(users);
    const words = tables.compiledCatalog.words;
    expect(tables.slots.size).toBe(601);
    expect(tables.profileStart.length).toBe(3); // default, roles = r, allow = write
    expect(tables.sets.length).toBe(3 * words);
  });

  it('shares one set between different profiles that resolve alike', () => {
    // allow = read and roles = r (which allows read) are different profiles with one set.
    const tables = tablesOf([{ bare: true }, { id: 'a', allow: ['read'] }, { id: 'b', roles: ['r'] }]);
    expect(tables.profileStart.length).toBe(3);
    expect(tables.slots.get('a')).not.toBe(tables.slots.get('b'));
    expect(tables.slotBase[tables.slots.get('a')!]).toBe(tables.slotBase[tables.slots.get('b')!]);
  });

  it('keeps users in file order after the default user, for explain', () => {
    const tables = tablesOf([{ id: 'x' }, { id: 'y' }]);
    expect([...tables.slots]).toEqual([
      ['', 0],
      ['x', 1],
      ['y', 2],
    ]);
    expect([0, 1, 2].map((slot) => userIndexOfSlot(tables, slot))).toEqual([-1, 0, 1]);
    // No array of user indexes for that layout: the shift alone gives them.
    expect(tables.slotUserIndex).toBe(-1);
  });

  it('gives a configured default user its own index, by a shift of 0', () => {
    const tables = tablesOf([{ roles: ['r'] }, { id: 'x' }, { id: 'y' }]);
    expect([0, 1, 2].map((slot) => userIndexOfSlot(tables, slot))).toEqual([0, 1, 2]);
    expect(tables.slotUserIndex).toBe(0);
  });

  it('keeps the array of user indexes when a repeated id leaves a user without a slot', () => {
    // The parser reports the repeat; the policy keeps the first entry, so "y" is user 2 in slot 2.
    const tables = tablesOf([{ id: 'x' }, { id: 'x', allow: ['write'] }, { id: 'y' }]);
    expect(tables.slots.get('y')).toBe(2);
    expect(tables.slotUserIndex).toBeInstanceOf(Int32Array);
    expect([0, 1, 2].map((slot) => userIndexOfSlot(tables, slot))).toEqual([-1, 0, 2]);
  });

  it('stores profile numbers and the profiles pool a byte each while they fit', () => {
    const tables = tablesOf([{ id: 'x', roles: ['r'] }, { id: 'y' }, { id: 'z', roles: ['r'] }]);
    expect(tables.slotProfile).toBeInstanceOf(Uint8Array);
    expect(tables.profilePool).toBeInstanceOf(Uint8Array);
    expect([...tables.slotProfile]).toEqual([0, 1, 2, 1]); // the implicit default, r, nothing, r
  });
});

describe('PolicyBuilder with more than 256 profiles', () => {
  it('stores profile numbers two bytes each, and explain still reads each user its own', () => {
    const roles = Array.from({ length: 300 }, (_, r) => ({ id: `role-${r}`, allow: [r % 2 === 0 ? 'read' : 'write'] }));
    const users: UserSpec[] = roles.map((role, u) => ({ id: `user-${u}`, roles: [role.id] }));
    const policy = compile(buildModel({ roles, users }), tinyCatalog).policy!;
    const tables = (policy as unknown as { tables: PolicyTables }).tables;
    expect(tables.slotProfile).toBeInstanceOf(Uint16Array);
    for (const u of [0, 255, 256, 299]) {
      const explanation = policy.explain(`user-${u}`, u % 2 === 0 ? 'read' : 'write');
      expect(explanation.user).toEqual({ id: `user-${u}`, kind: 'user', index: u });
      expect(explanation.permission?.allowed).toBe(true);
      expect(explanation.permission?.grants[0]).toMatchObject({ role: `role-${u}` });
    }
  });
});

describe('compactInts', () => {
  it('takes the narrowest array that holds every value, and copies it', () => {
    const bytes = Int32Array.of(0, 255, 7);
    const narrow = compactInts(bytes);
    expect(narrow).toBeInstanceOf(Uint8Array);
    expect([...narrow]).toEqual([0, 255, 7]);
    expect(compactInts(Int32Array.of(0, 256))).toBeInstanceOf(Uint16Array);
    expect([...compactInts(Int32Array.of(65_535, 1))]).toEqual([65_535, 1]);
    const wide = Int32Array.of(65_536, 3);
    const kept = compactInts(wide);
    expect(kept).toBeInstanceOf(Int32Array);
    expect(kept).not.toBe(wide);
    expect([...kept]).toEqual([65_536, 3]);
    expect(compactInts(new Int32Array(0))).toHaveLength(0);
    // A negative value is never wrapped into an unsigned array.
    expect([...compactInts(Int32Array.of(3, -1))]).toEqual([3, -1]);
  });
});

describe('compactUserIndex', () => {
  it('is the shift when every slot is its user plus one constant, else a copy of the array', () => {
    expect(compactUserIndex(Int32Array.of(-1, 0, 1, 2))).toBe(-1);
    expect(compactUserIndex(Int32Array.of(0, 1, 2))).toBe(0);
    const irregular = Int32Array.of(-1, 0, 2);
    const kept = compactUserIndex(irregular);
    expect(kept).toBeInstanceOf(Int32Array);
    expect(kept).not.toBe(irregular);
    expect([...(kept as Int32Array)]).toEqual([-1, 0, 2]);
  });
});

describe('sortedDistinct', () => {
  it('sorts numerically and drops repeats', () => {
    expect(sortedDistinct([10, 2, 2, 33, 10, 1])).toEqual([1, 2, 10, 33]);
    expect(sortedDistinct([])).toEqual([]);
    expect(sortedDistinct([5])).toEqual([5]);
  });
});

describe('IdList', () => {
  function canonical(ids: number[]): number[] {
    const list = new IdList();
    for (const id of ids) list.push(id);
    list.canonical();
    return Array.from(list.ids.subarray(0, list.length));
  }

  it('sorts numerically and drops repeats, short lists and long ones (past its growth and the insertion sort)', () => {
    expect(canonical([10, 2, 2, 33, 10, 1])).toEqual([1, 2, 10, 33]);
    expect(canonical([])).toEqual([]);
    expect(canonical([7])).toEqual([7]);
    const long = Array.from({ length: 100 }, (_, i) => (i * 37) % 50);
    expect(canonical(long)).toEqual(sortedDistinct([...long]));
  });

  it('starts empty again after reset', () => {
    const list = new IdList();
    list.push(3);
    list.reset();
    list.push(1);
    expect(Array.from(list.ids.subarray(0, list.length))).toEqual([1]);
  });
});

describe('PolicyBuilder interning past its index growth', () => {
  it('finds every earlier profile and set again after thousands of distinct ones', () => {
    const roles = Array.from({ length: 60 }, (_, i) => ({ id: `r${i}`, allow: ['read'] }));
    const users: UserSpec[] = [{}];
    // 60 * 59 / 2 distinct role pairs: distinct profiles, all resolving to one set.
    for (let a = 0; a < 60; a++)
      for (let b = a + 1; b < 60; b++) users.push({ id: `u-${a}-${b}`, roles: [`r${b}`, `r${a}`] });
    for (let a = 0; a < 60; a++)
      for (let b = a + 1; b < 60; b++) users.push({ id: `again-${a}-${b}`, roles: [`r${a}`, `r${b}`, `r${a}`] });
    const policy = compile(buildModel({ roles, users }), tinyCatalog).policy!;
    const tables = (policy as unknown as { tables: PolicyTables }).tables;
    expect(tables.profileStart.length).toBe(1 + (60 * 59) / 2);
    expect(tables.sets.length).toBe(2 * tables.compiledCatalog.words);
    expect(policy.check('again-3-40', 'read')).toBe(true);
    expect(policy.check('u-3-40', 'write')).toBe(false);
  });
});
