import { exceedsJsonDepth, jsonDepth } from '../../src/http/json-depth';

describe('jsonDepth', () => {
  it('counts objects and arrays as one level each', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"a":"[[[{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[","b":["\\\\"]}')).toBe(2);
  });

  it('measures the deepest branch, not the total number of brackets', () => {
    expect(jsonDepth('[[1],[2],[3],[4]]')).toBe(2);
  });
});

describe('exceedsJsonDepth', () => {
  const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);

  it('accepts nesting exactly at the limit and refuses one more level', () => {
    expect(exceedsJsonDepth(nested(20), 20)).toBe(false);
    expect(exceedsJsonDepth(nested(21), 20)).toBe(true);
  });

  it('stops early on hostile input (a million open brackets)', () => {
    expect(exceedsJsonDepth('['.repeat(1_000_000), 20)).toBe(true);
  });

  it('agrees with jsonDepth on random nestings', () => {
    for (let seed = 1; seed < 200; seed++) {
      let text = '';
      let depth = 0;
      let x = seed;
      for (let i = 0; i < 40; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        if (x % 3 === 0 && depth > 0) {
          text += ']';
          depth--;
        } else if (x % 3 === 1) {
          text += '[';
          depth++;
        } else {
          text += '"]["';
        }
      }
      text += ']'.repeat(depth);
      const real = jsonDepth(text);
      expect(exceedsJsonDepth(text, real)).toBe(false);
      if (real > 0) expect(exceedsJsonDepth(text, real - 1)).toBe(true);
    }
  });
});

describe('exceedsJsonDepth when brackets are few', () => {
  it('decides by the scan once there are more openers than the limit, strings included', () => {
    // 25 openers, 21 of them in a string: only 4 levels deep.
    const inString = `{"a":"${'['.repeat(21)}","b":[[{}]]}`;
    expect(exceedsJsonDepth(inString, 20)).toBe(false);
    expect(exceedsJsonDepth(`${'{"a":'.repeat(21)}1${'}'.repeat(21)}`, 20)).toBe(true);
  });

  it('never refuses a text with at most limit openers, however they are placed', () => {
    expect(exceedsJsonDepth('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(exceedsJsonDepth('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(exceedsJsonDepth('[[[', 3)).toBe(false);
    expect(exceedsJsonDepth('[[[[', 3)).toBe(true);
  });
});
