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

  it('evicts in least-recently-used order over a long mix of touches and adds, as a plain list would', () => {
    const table = new BucketTable(5);
    const model: string[] = []; // least recently used first
    let seed = 7;
    const next = (n: number): number => Math.floor((seed = (seed * 1103515245 + 12345) % 2147483648) / 65536) % n;
    for (let step = 0; step < 2000; step++) {
      const key = `k${next(12)}`;
      const bucket = table.touch(key);
      const at = model.indexOf(key);
      expect(bucket !== undefined).toBe(at !== -1);
      if (at !== -1) {
        model.splice(at, 1);
        model.push(key);
        continue;
      }
      table.add(key, { tokens: step, stamp: 0 });
      if (model.length === 5) model.shift();
      model.push(key);
      for (const held of model) expect(table.peek(held)).toBeDefined();
      expect(table.size).toBe(model.length);
    }
    expect(table.evictions).toBeGreaterThan(100);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new BucketTable(0)).toThrow(RangeError);
  });
});
