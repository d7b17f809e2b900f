import { nodeFlagValue } from '../../../src/backends/embedded/node-flag';

describe('nodeFlagValue (how the node reads a boolean flag)', () => {
  it('reads JSON booleans, and 0 / 1 and true / false as text', () => {
    expect([true, 'true', '1', 1].map((v) => nodeFlagValue(v))).toEqual([true, true, true, true]);
    expect([false, 'false', '0', 0].map((v) => nodeFlagValue(v, true))).toEqual([false, false, false, false]);
  });

  it('reads an integer text leniently, as a stream does: sign, leading zeros, surrounding space', () => {
    expect(['01', '+1', ' 1', '1 ', '\t1\n', '001'].map((v) => nodeFlagValue(v))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['-0', '00', ' false '].map((v) => nodeFlagValue(v, true))).toEqual([false, false, false]);
  });

  it('gives the default for anything else', () => {
    for (const value of [2, -1, '2', 'TRUE', 'True', 'yes', 'on', '', '1.5', 1.5, null, undefined, [1], {}]) {
      expect({ value, read: nodeFlagValue(value) }).toEqual({ value, read: false });
      expect({ value, read: nodeFlagValue(value, true) }).toEqual({ value, read: true });
    }
  });
});
