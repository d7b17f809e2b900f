import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('unknown-key', () => {
  it('accepts the keys of the contract', () => {
    expect(
      findingsOf(
        'unknown-key',
        toml('[[user]]', `id = "${STRONG_A}"`, 'roles = []', 'allow = []', 'deny = []', 'bare = false'),
      ),
    ).toEqual([]);
  });

  it('is an error at an unknown user key, with a suggestion', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'alow = "wallet"');
    expect(findingsOf('unknown-key', text)).toEqual([
      { messageId: 'unknownKey', severity: 'error', line: 3, column: 1, endLine: 3, endColumn: 5 },
    ]);
    expect(messagesOf('unknown-key', text)[0]).toContain('Did you mean "allow"?');
  });

  it('is an error at an unknown top-level key', () => {
    expect(findingsOf('unknown-key', toml('users = 1'))).toEqual([
      { messageId: 'unknownKey', severity: 'error', line: 1, column: 1, endLine: 1, endColumn: 6 },
    ]);
  });
});
