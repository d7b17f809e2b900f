import { parseRuleSettings, rulesById } from '@nano-access/linter';

describe('parseRuleSettings', () => {
  it('reads ID=level entries', () => {
    expect(parseRuleSettings(rulesById, ['weak-credential=error', 'unused-role=off', 'file-mode = warning'])).toEqual({
      settings: { 'weak-credential': 'error', 'unused-role': 'off', 'file-mode': 'warning' },
      problems: [],
    });
  });

  it('accepts an error rule set to error (a no-op)', () => {
    expect(parseRuleSettings(rulesById, ['toml-syntax=error']).problems).toEqual([]);
  });

  it('refuses unknown rules, unknown levels, missing =, and lowering a loading error', () => {
    const { problems } = parseRuleSettings(rulesById, [
      'nope=off',
      'weak-credential=loud',
      'weak-credential',
      'duplicate-user=warning',
    ]);
    expect(problems).toEqual([
      'unknown rule "nope"',
      '"loud" is not a level for rule "weak-credential" (use off, warning or error)',
      '"weak-credential" is not ID=off|warning|error',
      'rule "duplicate-user" reports an error that stops a server from loading the file; it cannot be set to warning',
    ]);
  });
});
