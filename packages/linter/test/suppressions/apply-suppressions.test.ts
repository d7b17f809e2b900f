import { lint, STRONG_A, toml } from '../helpers/lint';

describe('suppressions', () => {
  it('silences a finding on the key below the comment and keeps it, with its reason, among the suppressed', () => {
    const result = lint(toml('[[user]]', '# nano-access: disable=weak-credential -- a test node', 'id = "short-key"'));
    expect(result.messages).toEqual([]);
    expect(result.suppressedMessages.map((m) => [m.ruleId, m.suppressions])).toEqual([
      ['weak-credential', [{ kind: 'disable', justification: 'a test node', line: 2 }]],
    ]);
  });

  it('silences every finding of a table when written above its header', () => {
    const result = lint(
      toml('# nano-access: disable=weak-credential,empty-user', '[[user]]', 'id = "short-key"', 'bare = true'),
    );
    expect(result.messages).toEqual([]);
    expect(result.suppressedMessages.map((m) => m.ruleId)).toEqual(['empty-user', 'weak-credential']);
  });

  it('does not reach the next table', () => {
    const result = lint(
      toml(
        '# nano-access: disable=weak-credential',
        '[[user]]',
        'id = "short-key-1"',
        '[[user]]',
        'id = "short-key-2"',
      ),
    );
    expect(result.messages.map((m) => [m.ruleId, m.span.start.line])).toEqual([['weak-credential', 5]]);
  });

  it('silences a rule in the whole file with disable-file', () => {
    const result = lint(
      toml(
        '# nano-access: disable-file=weak-credential',
        '[[user]]',
        'id = "short-key-1"',
        '[[user]]',
        'id = "short-key-2"',
      ),
    );
    expect(result.messages).toEqual([]);
    expect(result.suppressedMessages).toHaveLength(2);
  });

  it('reports a suppression that silences nothing', () => {
    const result = lint(toml('[[user]]', `id = "${STRONG_A}" # nano-access: disable=weak-credential`));
    expect(result.messages.map((m) => [m.ruleId, m.messageId])).toEqual([['unused-suppression', 'unused']]);
  });

  it('never silences an error that stops a server from loading the file', () => {
    const result = lint(
      toml('# nano-access: disable-file=unknown-role', '[[user]]', `id = "${STRONG_A}"`, 'roles = "nope"'),
    );
    expect(result.messages.map((m) => [m.ruleId, m.severity])).toEqual([
      ['unused-suppression', 'warning'],
      ['unknown-role', 'error'],
    ]);
    expect(result.errorCount).toBe(1);
    expect(result.suppressedMessages).toEqual([]);
  });

  it('does not call a suppression unused when its rule is turned off for the run', () => {
    const result = lint(toml('[[user]]', 'id = "short-key" # nano-access: disable=weak-credential'), {
      rules: { 'weak-credential': 'off' },
    });
    expect(result.messages).toEqual([]);
  });

  it('does not judge suppressions of a file that is not TOML', () => {
    const result = lint(toml('# nano-access: disable=weak-credential', '[[user]', 'id = "k"'));
    expect(result.messages.map((m) => m.ruleId)).toEqual(['toml-syntax']);
  });

  it('keeps semantic suppressions unjudged when the file has errors (the semantic rules did not run)', () => {
    const result = lint(
      toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "walet" # nano-access: disable=redundant-allow'),
    );
    expect(result.messages.map((m) => m.ruleId)).toEqual(['unknown-permission']);
  });

  it('leaves unused-suppression to be turned off like any warning', () => {
    const result = lint(toml('# nano-access: disable=empty-user', '[[user]]', `id = "${STRONG_A}"`), {
      rules: { 'unused-suppression': 'off' },
    });
    expect(result.messages).toEqual([]);
  });
});
