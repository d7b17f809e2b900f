import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('weak-credential', () => {
  it('accepts a long, varied id', () => {
    expect(findingsOf('weak-credential', toml('[[user]]', `id = "${STRONG_A}"`))).toEqual([]);
  });

  it('never judges the default user (it has no credentials)', () => {
    expect(findingsOf('weak-credential', toml('[[user]]', 'id = ""'))).toEqual([]);
  });

  it('warns at an id shorter than 16 characters, showing at most a quarter of it (3 of 12)', () => {
    const text = toml('[[user]]', 'id = "hunter2-pass"');
    expect(findingsOf('weak-credential', text)).toEqual([
      { messageId: 'tooShort', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 20 },
    ]);
    const [message] = messagesOf('weak-credential', text);
    expect(message).toContain('user #1 (…ass)');
    expect(message).toContain('12 characters');
    expect(message).not.toContain('hunter2');
  });

  it.each([
    ['few distinct characters', 'aaaaaaaabbbbbbbbaaaa'],
    ['a repeated pattern', 'k3Y9pQ2xk3Y9pQ2xk3Y9pQ2x'],
    ['a run of consecutive characters', 'abcdefghijklmnopq'],
    ['a common word and a sequence', 'password12345678'],
  ])('warns at a long id of low variety: %s', (_name, id) => {
    expect(findingsOf('weak-credential', toml('[[user]]', `id = "${id}"`))).toEqual([
      { messageId: 'lowVariety', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 8 + id.length },
    ]);
  });
});
