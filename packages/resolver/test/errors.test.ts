import { errorCodes, ResolverErrorCode } from '@nano-access/resolver';

describe('resolver error codes', () => {
  it('lists every code once, each NA_<AREA>_<WHAT>', () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length);
    expect([...errorCodes].sort()).toEqual(Object.values(ResolverErrorCode).sort());
    for (const code of errorCodes) expect(code).toMatch(/^NA_[A-Z]+(_[A-Z]+)+$/);
  });
});
