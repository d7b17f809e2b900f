import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('id-whitespace', () => {
  it('accepts ids without outer white space', () => {
    expect(
      findingsOf('id-whitespace', toml('[[role]]', 'id = "ops"', '[[user]]', `id = "${STRONG_A}"`, 'roles = "ops"')),
    ).toEqual([]);
  });

  it('warns at a user id with trailing white space, without quoting it', () => {
    const text = toml('[[user]]', `id = "${STRONG_A} "`, 'allow = "wallet"');
    expect(findingsOf('id-whitespace', text)).toEqual([
      { messageId: 'userIdWhitespace', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 33 },
    ]);
    expect(messagesOf('id-whitespace', text)[0]).not.toContain(STRONG_A);
  });

  it('warns at a role id with leading white space', () => {
    expect(findingsOf('id-whitespace', toml('[[role]]', 'id = " ops"'))).toEqual([
      { messageId: 'roleIdWhitespace', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 12 },
    ]);
  });
});
