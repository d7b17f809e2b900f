import { describeUserAt, maskId } from '@nano-access/resolver';

describe('maskId', () => {
  it('shows the last four characters of an id of 16 characters or more', () => {
    expect(maskId('user-2bb818ee-6424-4750-8bdb-db23bab7bc57')).toBe('…bc57');
    expect(maskId('0123456789abcdef')).toBe('…cdef');
  });

  it('shows at most a quarter of a short id, and nothing of a tiny one', () => {
    expect(maskId('hunter2-pass')).toBe('…ass');
    expect(maskId('abcdefgh')).toBe('…gh');
    expect(maskId('abc')).toBe('…');
    expect(maskId('')).toBe('…');
  });
});

describe('describeUserAt', () => {
  const id = 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57';

  it('names a user by its 1-based position and masked id, the default user by its role', () => {
    expect(describeUserAt(2, id, false)).toBe('user #3 (…bc57)');
    expect(describeUserAt(0, '', true)).toBe('the default user');
  });

  it('shows the whole id only when asked (--show-ids), never for the default user', () => {
    expect(describeUserAt(2, id, false, true)).toBe(`user #3 (${id})`);
    expect(describeUserAt(0, '', true, true)).toBe('the default user');
  });
});
