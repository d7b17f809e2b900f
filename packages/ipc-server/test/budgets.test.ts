import { EventBudget, InflightBudget } from '../src/budgets';

describe('InflightBudget', () => {
  it('admits frames while they fit, gives frames still arriving half of it, and counts refusals', () => {
    const budget = new InflightBudget(1000);
    const a = budget.account();
    const b = budget.account();
    expect(a.admit(400, false)).toBe(true);
    expect(b.admit(101, false)).toBe(false); // 501 partial > 500
    expect(b.admit(100, false)).toBe(true);
    expect(b.admit(500, true)).toBe(true); // whole frames may use the rest
    expect(a.admit(1, true)).toBe(false); // 1001 > 1000
    expect(budget).toMatchObject({ used: 1000, partial: 500, refused: 2 });
    a.arrived(400);
    expect(budget.partial).toBe(100);
    b.close();
    expect(budget).toMatchObject({ used: 400, partial: 0 });
    a.release(400);
    expect(budget.used).toBe(0);
  });
});

describe('EventBudget', () => {
  it('charges holders while the bytes fit and names the one holding the most', () => {
    const budget = new EventBudget<string>(100);
    expect(budget.largestHolder()).toBeUndefined();
    expect(budget.tryCharge('a', 30)).toBe(true);
    expect(budget.tryCharge('b', 50)).toBe(true);
    expect(budget.tryCharge('a', 30)).toBe(false);
    expect(budget.largestHolder()).toBe('b');
    budget.release('b', 40);
    expect(budget.used).toBe(40);
    expect(budget.largestHolder()).toBe('a');
    budget.release('b', 1000); // more than held: only what it holds
    expect(budget.used).toBe(30);
    budget.releaseAll('a');
    budget.release('a', 10);
    expect(budget.used).toBe(0);
    expect(budget.largestHolder()).toBeUndefined();
  });
});
