import { BucketTable } from '../../src/rate-limit/bucket-table';

describe('BucketTable', () => {
  it('holds at most maxEntries, forgetting the least recently used', () => {
    const table = new BucketTable(2);
    table.add('a', { tokens: 0, stamp: 0 });
    table.add('b', { tokens: 0, stamp: 0 });
    expect(table.touch('a')).toBeDefined(); // b is now the least recently used
    table.add('c', { tokens: 0, stamp: 0 });
    expect(table.size).toBe(2);
    expect(table.peek('b')).toBeUndefined();
    expect(table.peek('a')).toBeDefined();
    expect(table.peek('c')).toBeDefined();
    expect(table.evictions).toBe(1);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new BucketTable(0)).toThrow(RangeError);
  });
});
