import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('file-mode', () => {
  const withCredentials = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet"');

  it('accepts a file only its owner can read and write', () => {
    expect(findingsOf('file-mode', withCredentials, { mode: 0o100600 })).toEqual([]);
  });

  it('warns at the start of a file that group and others can read', () => {
    expect(findingsOf('file-mode', withCredentials, { mode: 0o100644 })).toEqual([
      { messageId: 'readable', severity: 'warning', line: 1, column: 1, endLine: 1, endColumn: 1 },
    ]);
    expect(messagesOf('file-mode', withCredentials, { mode: 0o100644 })[0]).toContain('group and others (mode 0644)');
  });

  it('reports a group-writable file as writable, the worse of the two', () => {
    expect(findingsOf('file-mode', withCredentials, { mode: 0o100660 })).toEqual([
      { messageId: 'writable', severity: 'warning', line: 1, column: 1, endLine: 1, endColumn: 1 },
    ]);
  });

  it('says nothing about a file that holds no credentials', () => {
    expect(findingsOf('file-mode', toml('[[user]]', 'allow = "wallet_read"'), { mode: 0o100644 })).toEqual([]);
  });

  it('is skipped when the mode is unknown (standard input)', () => {
    expect(findingsOf('file-mode', withCredentials)).toEqual([]);
  });
});
