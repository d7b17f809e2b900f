import { judgeFileSafety, type AccessFileFacts } from '@nano-access/parser';
import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

const US = 1000;
const START = { line: 1, column: 1, endLine: 1, endColumn: 1 };

function facts(fileMode: number, dirMode = 0o755, owners: { file?: number; dir?: number } = {}): AccessFileFacts {
  return {
    file: { path: 'config-access.toml', mode: 0o100000 | fileMode, uid: owners.file ?? US },
    directories: [{ path: '/srv/nano', mode: 0o040000 | dirMode, uid: owners.dir ?? US }],
    processUid: US,
  };
}

describe('file-mode', () => {
  const withCredentials = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet"');
  const defaultOnly = toml('[[user]]', 'allow = "wallet_read"');

  it('accepts a file only its owner can read and write', () => {
    expect(findingsOf('file-mode', withCredentials, { mode: 0o100600 })).toEqual([]);
    expect(findingsOf('file-mode', withCredentials, { fileFacts: facts(0o600) })).toEqual([]);
  });

  it('warns at the start of a file that group and others can read', () => {
    expect(findingsOf('file-mode', withCredentials, { mode: 0o100644 })).toEqual([
      { messageId: 'readable', severity: 'warning', ...START },
    ]);
    expect(messagesOf('file-mode', withCredentials, { mode: 0o100644 })[0]).toContain('group and others (mode 0644)');
  });

  it('reports a group-writable file as an error, the worse of the two and what a server refuses', () => {
    expect(findingsOf('file-mode', withCredentials, { mode: 0o100660 })).toEqual([
      { messageId: 'writable', severity: 'error', ...START },
    ]);
    expect(messagesOf('file-mode', withCredentials, { mode: 0o100660 })[0]).toContain('servers refuse it');
  });

  it('reports a writable file even when it holds no credentials: whoever writes it can add some', () => {
    expect(findingsOf('file-mode', defaultOnly, { mode: 0o100666 })).toEqual([
      { messageId: 'writable', severity: 'error', ...START },
    ]);
  });

  it('reports a directory others can write, and a file or directory another user owns, as errors', () => {
    expect(findingsOf('file-mode', withCredentials, { fileFacts: facts(0o600, 0o777) })).toEqual([
      { messageId: 'directoryWritable', severity: 'error', ...START },
    ]);
    expect(messagesOf('file-mode', withCredentials, { fileFacts: facts(0o600, 0o777) })[0]).toContain(
      'The directory /srv/nano is writable by group and others (mode 0777)',
    );
    expect(
      findingsOf('file-mode', withCredentials, { fileFacts: facts(0o600, 0o755, { file: 4242, dir: 0 }) }),
    ).toEqual([{ messageId: 'foreignOwner', severity: 'error', ...START }]);
    expect(messagesOf('file-mode', withCredentials, { fileFacts: facts(0o600, 0o755, { file: 4242 }) })[0]).toContain(
      'The file config-access.toml is owned by uid 4242',
    );
  });

  it("reports exactly the problems judgeFileSafety (the servers' judgment) finds, for every mode", () => {
    for (let mode = 0; mode <= 0o777; mode += 1) {
      const given = facts(mode, mode | 0o700);
      const refused = judgeFileSafety(given).problems.length;
      const errors = findingsOf('file-mode', withCredentials, { fileFacts: given }).filter(
        (f) => f.severity === 'error',
      ).length;
      expect([mode.toString(8), errors]).toEqual([mode.toString(8), refused]);
    }
  });

  it('takes a rule setting over the per-message severity (--rule file-mode=warning mirrors allow_insecure_permissions)', () => {
    expect(findingsOf('file-mode', withCredentials, { mode: 0o100666, rules: { 'file-mode': 'warning' } })).toEqual([
      { messageId: 'writable', severity: 'warning', ...START },
    ]);
  });

  it('says nothing about a readable file that holds no credentials', () => {
    expect(findingsOf('file-mode', defaultOnly, { mode: 0o100644 })).toEqual([]);
  });

  it('is skipped when nothing is known of the file (standard input)', () => {
    expect(findingsOf('file-mode', withCredentials)).toEqual([]);
  });
});
