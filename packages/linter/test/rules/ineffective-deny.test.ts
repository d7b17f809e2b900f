import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('ineffective-deny', () => {
  it('accepts a deny of a permission a role grants', () => {
    const text = toml('[[role]]', 'id = "w"', 'allow = "wallet"', '[[user]]', `id = "${STRONG_A}"`, 'roles = "w"', 'deny = "wallet_seed_change"');
    expect(findingsOf('ineffective-deny', text)).toEqual([]);
  });

  it('accepts a deny of a permission that includes one the user has (it removes that one)', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet_read"', 'deny = "wallet"');
    expect(findingsOf('ineffective-deny', text)).toEqual([]);
  });

  it('accepts a deny of an inherited permission', () => {
    expect(findingsOf('ineffective-deny', toml('[[user]]', `id = "${STRONG_A}"`, 'deny = "api_account_weight"'))).toEqual([]);
  });

  it('warns at a deny of a permission the user would not have anyway', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet_read"', 'deny = "wallet_read, epoch_upgrade"');
    expect(findingsOf('ineffective-deny', text)).toEqual([
      { messageId: 'ineffective', severity: 'warning', line: 4, column: 22, endLine: 4, endColumn: 35 },
    ]);
    expect(messagesOf('ineffective-deny', text)).toEqual([
      'user #1 (…6yC1) would not have "epoch_upgrade" (nor anything it includes or that includes it) anyway; this deny removes nothing.',
    ]);
  });

  it('judges the default user too', () => {
    expect(findingsOf('ineffective-deny', toml('[[user]]', 'deny = "service"'))).toEqual([
      { messageId: 'ineffective', severity: 'warning', line: 2, column: 9, endLine: 2, endColumn: 16 },
    ]);
  });
});
