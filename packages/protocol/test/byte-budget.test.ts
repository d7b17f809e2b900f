import { ByteBudget } from '@nano-access/protocol';

describe('ByteBudget', () => {
  it('charges leases up to the limit, refuses past it (counted), and gives bytes back on release', () => {
    const budget = new ByteBudget(100);
    const a = budget.lease();
    const b = budget.lease();
    expect(a.take(60)).toBe(true);
    expect(b.take(50)).toBe(false);
    expect(b.take(40)).toBe(true);
    expect(budget.inUse).toBe(100);
    expect(budget.refusals).toBe(1);
    a.release();
    a.release(); // idempotent
    expect(budget.inUse).toBe(40);
    expect(b.bytes).toBe(40);
    b.release();
    expect(budget.inUse).toBe(0);
  });

  it('admits() answers whether an announced size fits now, charging nothing and counting a no', () => {
    const budget = new ByteBudget(10);
    budget.lease().take(6);
    expect(budget.admits(4)).toBe(true);
    expect(budget.admits(5)).toBe(false);
    expect(budget.inUse).toBe(6);
    expect(budget.refusals).toBe(1);
  });

  it('leaves the headroom a holder is asked to leave free', () => {
    const budget = new ByteBudget(100);
    const large = budget.lease();
    expect(large.take(80, 20)).toBe(true);
    expect(large.take(1, 20)).toBe(false);
    expect(budget.admits(20)).toBe(true);
    expect(budget.lease().take(20)).toBe(true);
    expect(budget.inUse).toBe(100);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ByteBudget(0)).toThrow(RangeError);
    expect(() => new ByteBudget(1.5)).toThrow(RangeError);
  });
});
