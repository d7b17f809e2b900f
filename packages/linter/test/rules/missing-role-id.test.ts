import { findingsOf, toml } from '../helpers/lint';

describe('missing-role-id', () => {
  it('accepts a role with an id', () => {
    expect(findingsOf('missing-role-id', toml('[[role]]', 'id = "ops"', 'allow = "wallet"'))).toEqual([]);
  });

  it('is an error at an empty role id', () => {
    expect(findingsOf('missing-role-id', toml('[[role]]', 'id = ""', 'allow = "wallet"'))).toEqual([
      { messageId: 'emptyRoleId', severity: 'error', line: 2, column: 6, endLine: 2, endColumn: 8 },
    ]);
  });

  it('is an error at the table header of a role without an id', () => {
    expect(findingsOf('missing-role-id', toml('[[role]]', 'allow = "wallet"'))).toEqual([
      { messageId: 'missingRoleId', severity: 'error', line: 1, column: 1, endLine: 1, endColumn: 9 },
    ]);
  });
});
