import { maskId } from '@nano-access/resolver';

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
