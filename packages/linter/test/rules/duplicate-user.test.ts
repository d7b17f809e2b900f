import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('duplicate-user', () => {
  const twice = toml(
    '[[user]]',
    `id = "${STRONG_A}"`,
    'allow = "wallet"',
    '[[user]]',
    `id = "${STRONG_A}"`,
    'allow = "service"',
  );

  it('accepts users with distinct ids', () => {
    expect(
      findingsOf('duplicate-user', toml('[[user]]', `id = "${STRONG_A}"`, '[[user]]', 'id = "other-Zq8vN2xK7mB4rT9w"')),
    ).toEqual([]);
  });

  it('is an error at the id of the second user with one id', () => {
    expect(findingsOf('duplicate-user', twice)).toEqual([
      { messageId: 'duplicateUser', severity: 'error', line: 5, column: 6, endLine: 5, endColumn: 32 },
    ]);
  });

  it('never repeats the duplicated id (a credential) in its message', () => {
    for (const message of messagesOf('duplicate-user', twice)) expect(message).not.toContain(STRONG_A);
  });

  it('is an error for a second default user', () => {
    expect(findingsOf('duplicate-user', toml('[[user]]', 'id = ""', '[[user]]', 'id = ""'))).toEqual([
      { messageId: 'duplicateDefaultUser', severity: 'error', line: 4, column: 6, endLine: 4, endColumn: 8 },
    ]);
  });
});
