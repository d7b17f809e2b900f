import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('unused-suppression', () => {
  it('accepts a suppression that silences a finding', () => {
    const text = toml('[[user]]', 'id = "short-key" # nano-access: disable=weak-credential -- test node only');
    expect(findingsOf('unused-suppression', text)).toEqual([]);
    expect(findingsOf('weak-credential', text)).toEqual([]);
  });

  it('warns at a rule id that silences nothing', () => {
    expect(
      findingsOf(
        'unused-suppression',
        toml('# nano-access: disable=weak-credential', '[[user]]', `id = "${STRONG_A}"`),
      ),
    ).toEqual([{ messageId: 'unused', severity: 'warning', line: 1, column: 24, endLine: 1, endColumn: 39 }]);
  });

  it('warns at an unknown rule id', () => {
    expect(
      findingsOf(
        'unused-suppression',
        toml(`# nano-access: disable-file=weak-credentials`, '[[user]]', `id = "${STRONG_A}"`),
      ),
    ).toEqual([{ messageId: 'unknownRule', severity: 'warning', line: 1, column: 29, endLine: 1, endColumn: 45 }]);
  });

  it('warns that a loading error cannot be suppressed, and keeps the error', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, '# nano-access: disable=unknown-permission', 'allow = "walet"');
    expect(findingsOf('unused-suppression', text)).toEqual([
      { messageId: 'unsuppressible', severity: 'warning', line: 3, column: 24, endLine: 3, endColumn: 42 },
    ]);
    expect(findingsOf('unknown-permission', text)).toHaveLength(1);
  });

  it('warns at a comment that starts like a suppression but is not one', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"  # nano-access: disable weak-credential`);
    expect(findingsOf('unused-suppression', text)).toEqual([
      { messageId: 'malformed', severity: 'warning', line: 2, column: 34, endLine: 2, endColumn: 72 },
    ]);
    expect(messagesOf('unused-suppression', text)[0]).toMatch(/^Malformed suppression comment/);
  });
});
