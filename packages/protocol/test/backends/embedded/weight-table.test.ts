import * as fc from 'fast-check';
import { accountKeyDigest, encodeAccount } from '@nano-access/protocol';
import { WeightTable } from '../../../src/backends/embedded/weight-table';

const account = (seed: number): string => encodeAccount(new Uint8Array(32).fill(seed));

describe('WeightTable', () => {
  it('adds to a weight and keeps its decimal text', () => {
    const table = new WeightTable();
    const rep = account(1);
    table.add(rep, 10n ** 30n);
    table.add(rep, 5n);
    expect(table.get(rep)).toEqual(
      expect.objectContaining({ amount: 10n ** 30n + 5n, decimal: '1000000000000000000000000000005' }),
    );
    table.add(rep, -(10n ** 30n));
    expect(table.get(rep)?.decimal).toBe('5');
    expect([...table.amounts()]).toEqual([[rep, 5n]]);
  });

  it('reads by digest the weight it reads by account, for any accounts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
          minLength: 1,
          maxLength: 20,
          selector: (key) => Buffer.from(key).toString('hex'),
        }),
        (keys) => {
          const table = new WeightTable();
          const accounts = keys.map((key) => encodeAccount(key));
          accounts.forEach((rep, i) => table.add(rep, BigInt(i + 1)));
          for (const rep of accounts) expect(table.getByDigest(accountKeyDigest(rep), rep)).toBe(table.get(rep));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('tells apart accounts whose digests collide', () => {
    // Every account the same digest: one chain, each entry found by its account.
    const table = new WeightTable(() => 7);
    const reps = [account(1), account(2), account(3)];
    reps.forEach((rep, i) => table.add(rep, BigInt(100 + i)));
    expect(reps.map((rep) => table.getByDigest(7, rep)?.decimal)).toEqual(['100', '101', '102']);
    expect(table.getByDigest(7, account(4))).toBeUndefined();
    expect(table.getByDigest(8, reps[0])).toBeUndefined();
  });

  it('does not index an account without a digest (not a valid address) under any digest', () => {
    const table = new WeightTable(() => -1);
    table.add('nano_not_an_address', 1n);
    expect(table.get('nano_not_an_address')?.decimal).toBe('1');
    expect(table.getByDigest(-1, 'nano_not_an_address')).toBeUndefined();
  });
});
