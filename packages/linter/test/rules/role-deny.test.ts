import { findingsOf, toml } from '../helpers/lint';

describe('role-deny', () => {
  it('accepts a role with allow only', () => {
    expect(findingsOf('role-deny', toml('[[role]]', 'id = "ops"', 'allow = "wallet"'))).toEqual([]);
  });

  it('is an error at the deny key of a role', () => {
    expect(findingsOf('role-deny', toml('[[role]]', 'id = "ops"', 'deny = "wallet"'))).toEqual([
      { messageId: 'roleDeny', severity: 'error', line: 3, column: 1, endLine: 3, endColumn: 5 },
    ]);
  });
});
