import { findingsOf, lint, STRONG_A, toml } from '../helpers/lint';

describe('invalid-type', () => {
  it('accepts keys with the types of the contract', () => {
    expect(
      findingsOf('invalid-type', toml('[[user]]', `id = "${STRONG_A}"`, 'allow = ["wallet"]', 'bare = false')),
    ).toEqual([]);
  });

  it('is an error at a user id that is not a string', () => {
    const text = toml('[[user]]', 'id = 42');
    expect(findingsOf('invalid-type', text)).toEqual([
      { messageId: 'invalidType', severity: 'error', line: 2, column: 6, endLine: 2, endColumn: 8 },
    ]);
    expect(lint(text).loadable).toBe(false);
  });

  it('is an error at a bare that is neither a boolean nor "true"/"false"', () => {
    expect(findingsOf('invalid-type', toml('[[user]]', `id = "${STRONG_A}"`, 'bare = 1'))).toEqual([
      { messageId: 'invalidBare', severity: 'error', line: 3, column: 8, endLine: 3, endColumn: 9 },
    ]);
  });
});
