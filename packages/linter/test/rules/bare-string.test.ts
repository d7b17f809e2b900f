import { findingsOf, STRONG_A, toml } from '../helpers/lint';

describe('bare-string', () => {
  it('accepts bare as a boolean', () => {
    expect(
      findingsOf('bare-string', toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet"', 'bare = true')),
    ).toEqual([]);
  });

  it('warns at the string when bare is written "true"', () => {
    expect(
      findingsOf('bare-string', toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet"', 'bare = "true"')),
    ).toEqual([{ messageId: 'bareString', severity: 'warning', line: 4, column: 8, endLine: 4, endColumn: 14 }]);
  });
});
