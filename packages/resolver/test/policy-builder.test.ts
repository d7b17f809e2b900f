import { compile } from '@nano-access/resolver';
import { IdList, sortedDistinct } from '../src/policy-builder';
import type { PolicyTables } from '../src/policy-tables';
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
    expect([...tables.slotUserIndex]).toEqual([-1, 0, 1]);
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
