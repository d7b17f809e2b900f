import { findingsOf, STRONG_A, toml } from '../helpers/lint';

describe('empty-item', () => {
  it('accepts a list without empty items', () => {
    expect(findingsOf('empty-item', toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet, service"'))).toEqual([]);
  });

  it('warns at the comma that closes an empty item', () => {
    expect(findingsOf('empty-item', toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet,, service"'))).toEqual([
      { messageId: 'emptyItem', severity: 'warning', line: 3, column: 17, endLine: 3, endColumn: 18 },
    ]);
  });
});
