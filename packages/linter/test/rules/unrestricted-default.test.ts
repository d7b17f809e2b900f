import { findingsOf, toml } from '../helpers/lint';

describe('unrestricted-default', () => {
  it('accepts a default user with a few permissions', () => {
    expect(findingsOf('unrestricted-default', toml('[[user]]', 'allow = "account_query"'))).toEqual([]);
  });

  it('warns at the allow that makes the default user unrestricted', () => {
    expect(findingsOf('unrestricted-default', toml('[[user]]', 'id = ""', 'allow = "wallet, unrestricted"'))).toEqual([
      { messageId: 'unrestricted', severity: 'warning', line: 3, column: 18, endLine: 3, endColumn: 30 },
    ]);
  });

  it('warns at the role that makes the default user unrestricted', () => {
    const text = toml('[[role]]', 'id = "root"', 'allow = "unrestricted"', '[[user]]', 'roles = "root"');
    expect(findingsOf('unrestricted-default', text)).toEqual([
      { messageId: 'unrestricted', severity: 'warning', line: 5, column: 10, endLine: 5, endColumn: 14 },
    ]);
  });

  it('still warns when a deny only narrows it', () => {
    expect(
      findingsOf('unrestricted-default', toml('[[user]]', 'allow = "unrestricted"', 'deny = "wallet_seed_change"')),
    ).toEqual([{ messageId: 'narrowed', severity: 'warning', line: 2, column: 10, endLine: 2, endColumn: 22 }]);
  });
});
