import { findingsOf, lint, STRONG_A, toml } from '../helpers/lint';

describe('toml-syntax', () => {
  it('accepts valid TOML', () => {
    expect(findingsOf('toml-syntax', toml('[[user]]', `id = "${STRONG_A}"`))).toEqual([]);
  });

  it('is a fatal error where the TOML stops being valid, and nothing else is judged', () => {
    const text = toml('[[user]]', 'id = "abc', 'allow = "wallet"');
    const found = findingsOf('toml-syntax', text);
    expect(found).toEqual([
      { messageId: 'tomlSyntax', severity: 'error', line: 2, column: 10, endLine: 2, endColumn: 10 },
    ]);
    const result = lint(text);
    expect(result.loadable).toBe(false);
    // weak-credential would fire on a parsed model; a file that is not TOML has none.
    expect(result.messages.map((m) => m.ruleId)).toEqual(['toml-syntax']);
  });
});
