import { suggest } from '../src/suggest';

const userKeys = ['id', 'roles', 'allow', 'deny', 'bare'];

describe('suggest', () => {
  it('suggests the nearest name within a small edit distance', () => {
    expect(suggest('rolez', userKeys)).toBe('roles');
    expect(suggest('wallet_reed', ['wallet_read', 'wallet_write', 'wallet'])).toBe('wallet_read');
  });

  it('counts a swap of adjacent letters as one edit', () => {
    expect(suggest('prot', ['host', 'port'])).toBe('port');
    expect(suggest('rolse', userKeys)).toBe('roles');
  });

  it('ignores case', () => {
    expect(suggest('Allow', userKeys)).toBe('allow');
    expect(suggest('UNRESTRICTED', ['unrestricted'])).toBe('unrestricted');
  });

  it('stays silent when nothing is near', () => {
    expect(suggest('xyz', userKeys)).toBeUndefined();
    expect(suggest('epoch', ['wallet_seed_change'])).toBeUndefined();
    expect(suggest('anything', [])).toBeUndefined();
  });

  it('suggests nothing for a name that is itself a candidate', () => {
    expect(suggest('allow', userKeys)).toBeUndefined();
  });

  it('breaks ties alphabetically, whatever the candidates order', () => {
    expect(suggest('bat', ['cat', 'bag'])).toBe('bag');
    expect(suggest('bat', ['bag', 'cat'])).toBe('bag');
  });

  it('accepts any iterable', () => {
    expect(suggest('rolez', new Set(userKeys))).toBe('roles');
  });
});
