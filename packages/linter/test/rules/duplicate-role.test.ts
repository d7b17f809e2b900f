import { findingsOf, toml } from '../helpers/lint';

describe('duplicate-role', () => {
  it('accepts roles with distinct ids', () => {
    expect(findingsOf('duplicate-role', toml('[[role]]', 'id = "ops"', '[[role]]', 'id = "dev"'))).toEqual([]);
  });

  it('is an error at the id of the second role with one id', () => {
    expect(findingsOf('duplicate-role', toml('[[role]]', 'id = "ops"', '[[role]]', 'id = "ops"'))).toEqual([
      { messageId: 'duplicateRole', severity: 'error', line: 4, column: 6, endLine: 4, endColumn: 11 },
    ]);
  });
});
