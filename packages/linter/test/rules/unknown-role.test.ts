import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('unknown-role', () => {
  it('accepts a role that exists', () => {
    expect(
      findingsOf('unknown-role', toml('[[role]]', 'id = "ops"', '[[user]]', `id = "${STRONG_A}"`, 'roles = "ops"')),
    ).toEqual([]);
  });

  it('is an error at a role name no role has', () => {
    const text = toml('[[role]]', 'id = "ops"', '[[user]]', `id = "${STRONG_A}"`, 'roles = "opz"');
    expect(findingsOf('unknown-role', text)).toEqual([
      { messageId: 'unknownRole', severity: 'error', line: 5, column: 10, endLine: 5, endColumn: 13 },
    ]);
    expect(messagesOf('unknown-role', text)[0]).toContain('Did you mean "ops"?');
  });
});
