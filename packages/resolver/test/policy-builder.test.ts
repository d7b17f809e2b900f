import { compile } from '@nano-access/resolver';
import { sortedDistinct } from '../src/policy-builder';
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
    for (let i = 0; i < 300; i++) users.push({ id: `user-${i}`, roles: ['r'] }, { id: `writer-${i}`, allow: ['write', 'write'] });
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
    expect(tables.slots.get('a')).toBe(tables.slots.get('b'));
  });

  it('keeps users in file order after the default user, for explain', () => {
    const tables = tablesOf([{ id: 'x' }, { id: 'y' }]);
    expect([...tables.slots.keys()]).toEqual(['', 'x', 'y']);
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
