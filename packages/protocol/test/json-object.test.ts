import { isJsonObject } from '@nano-access/protocol';

describe('isJsonObject', () => {
  it('is true for an object, false for null, an array and every scalar', () => {
    expect([{}, { a: 1 }, Object.create(null)].map(isJsonObject)).toEqual([true, true, true]);
    expect([null, undefined, [], [1], 'x', 1, true].map(isJsonObject)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
