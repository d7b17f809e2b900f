import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('empty-user', () => {
  it('accepts a user that inherits the default permissions', () => {
    expect(findingsOf('empty-user', toml('[[user]]', `id = "${STRONG_A}"`))).toEqual([]);
  });

  it('warns at the id of a bare user with no permissions', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'bare = true');
    expect(findingsOf('empty-user', text)).toEqual([
      { messageId: 'empty', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 32 },
    ]);
    expect(messagesOf('empty-user', text)).toEqual([
      'user #1 (…6yC1) ends with no permissions: its credentials open only what anyone may call.',
    ]);
  });

  it('warns when a deny takes away everything the user had', () => {
    expect(findingsOf('empty-user', toml('[[user]]', `id = "${STRONG_A}"`, 'deny = "api_account_weight"'))).toEqual([
      { messageId: 'empty', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 32 },
    ]);
  });
});
