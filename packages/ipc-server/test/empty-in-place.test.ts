import { emptyInPlace } from '../src/empty-in-place';

describe('emptyInPlace', () => {
  it('empties an array, which then takes new items as before', () => {
    const list = [1, 2, 3];
    emptyInPlace(list);
    expect(list).toEqual([]);
    list.push(4);
    expect(list).toEqual([4]);
  });

  it('keeps the same array (callers hold it)', () => {
    const list: string[] = ['a'];
    const held = list;
    emptyInPlace(list);
    expect(held).toBe(list);
    expect(held).toHaveLength(0);
  });

  it('leaves an empty array empty', () => {
    const list: unknown[] = [];
    emptyInPlace(list);
    expect(list).toHaveLength(0);
  });
});
