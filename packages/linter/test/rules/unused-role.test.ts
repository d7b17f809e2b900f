import { findingsOf, STRONG_A, toml } from '../helpers/lint';

describe('unused-role', () => {
  it('accepts a role a user names', () => {
    expect(
      findingsOf('unused-role', toml('[[role]]', 'id = "ops"', '[[user]]', `id = "${STRONG_A}"`, 'roles = "ops"')),
    ).toEqual([]);
  });

  it('warns at the id of a role no user names', () => {
    expect(
      findingsOf('unused-role', toml('[[role]]', 'id = "ops"', 'allow = "service"', '[[user]]', `id = "${STRONG_A}"`)),
    ).toEqual([{ messageId: 'unused', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 11 }]);
  });
});
