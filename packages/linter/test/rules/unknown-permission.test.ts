import { findingsOf, lint, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('unknown-permission', () => {
  it('accepts permissions of the catalog', () => {
    expect(findingsOf('unknown-permission', toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet_read"'))).toEqual(
      [],
    );
  });

  it('is an error at a misspelt deny (which the reference node would ignore, granting)', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet"', 'deny = "wallet_seed_chnage"');
    expect(findingsOf('unknown-permission', text)).toEqual([
      { messageId: 'unknownPermission', severity: 'error', line: 4, column: 9, endLine: 4, endColumn: 27 },
    ]);
    expect(messagesOf('unknown-permission', text)[0]).toContain('Did you mean "wallet_seed_change"?');
    expect(lint(text).loadable).toBe(false);
  });
});
