import { ownString, ownStrings } from '../src/own-string';

describe('ownString', () => {
  it('returns an equal string for short, long, unicode and lone-surrogate ids', () => {
    const big = `${'x'.repeat(10_000)}key-0123456789abcdef0123456789abcdef${'y'.repeat(10_000)}`;
    const sliced = big.slice(10_000, 10_036);
    for (const id of [
      '',
      'short',
      sliced,
      'ключ-🔑-0123456789abcdef',
      '\ud800-lone-surrogate-id',
      ' spaced id with "quotes" \\ ',
    ]) {
      expect(ownString(id)).toBe(id);
    }
  });

  it('copies many strings at once, each equal and in order', () => {
    const big = `${'x'.repeat(10_000)}key-0123456789abcdef0123456789abcdef${'y'.repeat(10_000)}`;
    const ids = [
      '',
      'short',
      big.slice(10_000, 10_036),
      'ключ-🔑-0123456789abcdef',
      '\ud800-lone-surrogate-id',
      ' spaced id with "quotes" \\ ',
    ];
    expect(ownStrings(ids)).toEqual(ids);
    expect(ownStrings([])).toEqual([]);
  });
});
