import { getMayCarry, legacyRequestFromQuery } from '../../src/protect/get-compat';

describe('legacyRequestFromQuery (legacy_get)', () => {
  it('reads key=value pairs as strings, percent-decoded', () => {
    expect(legacyRequestFromQuery('action=account_info&account=nano_1x&representative=true&note=a+b%21')).toEqual({
      action: 'account_info',
      account: 'nano_1x',
      representative: 'true',
      note: 'a b!',
    });
  });

  it('reads repeated keys, key[] and key[n] as arrays, and key[name] as an object', () => {
    expect(legacyRequestFromQuery('accounts=a&accounts=b')).toEqual({ accounts: ['a', 'b'] });
    expect(legacyRequestFromQuery('accounts[]=a&accounts[]=b')).toEqual({ accounts: ['a', 'b'] });
    expect(legacyRequestFromQuery('accounts[]=a')).toEqual({ accounts: ['a'] });
    expect(legacyRequestFromQuery('hashes[1]=b&hashes[0]=a')).toEqual({ hashes: ['a', 'b'] });
    expect(legacyRequestFromQuery('block[type]=state&block[account]=x')).toEqual({
      block: { type: 'state', account: 'x' },
    });
  });

  it('keeps JSON in a value as text, and __proto__ as a plain name', () => {
    const request = legacyRequestFromQuery('accounts=%5B%22a%22%5D&__proto__=x&o[__proto__]=y');
    expect(request.accounts).toBe('["a"]');
    expect(Object.getPrototypeOf(request)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(request, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf(request.o)).toBe(Object.prototype);
  });

  it('lets a GET carry read-only actions only', () => {
    expect(getMayCarry('block_count')).toBe(true);
    expect(getMayCarry('send')).toBe(false);
    expect(getMayCarry('wallet_balances')).toBe(false);
    expect(getMayCarry(undefined)).toBe(true); // refused later as "Unable to parse JSON"
  });
});
