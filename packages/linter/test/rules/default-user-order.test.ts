import { findingsOf, lint, STRONG_A, toml } from '../helpers/lint';

describe('default-user-order', () => {
  it('accepts the default user as the first user', () => {
    expect(
      findingsOf(
        'default-user-order',
        toml('[[user]]', 'id = ""', '', '[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet"'),
      ),
    ).toEqual([]);
  });

  it('is an error at the id of a default user that comes after another user', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet"', '', '[[user]]', 'id = ""');
    expect(findingsOf('default-user-order', text)).toEqual([
      { messageId: 'defaultUserOrder', severity: 'error', line: 6, column: 6, endLine: 6, endColumn: 8 },
    ]);
    expect(lint(text).loadable).toBe(false);
  });
});
