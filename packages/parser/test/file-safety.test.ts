import {
  describeFileSafetyProblem,
  formatMode,
  judgeFileSafety,
  type AccessFileFacts,
  type PathFacts,
} from '../src/file-safety';

const US = 1000;
const file = (mode: number, extra: Partial<PathFacts> = {}): PathFacts => ({
  path: '/data/config-access.toml',
  mode: 0o100000 | mode,
  uid: US,
  ...extra,
});
const dir = (mode: number, extra: Partial<PathFacts> = {}): PathFacts => ({
  path: '/data',
  mode: 0o040000 | mode,
  uid: US,
  ...extra,
});
const facts = (f: PathFacts, ...directories: PathFacts[]): AccessFileFacts => ({
  file: f,
  directories,
  processUid: US,
});

describe('judgeFileSafety', () => {
  it('accepts a file and directory only their owner can write', () => {
    expect(judgeFileSafety(facts(file(0o600), dir(0o755)))).toEqual({ problems: [], readableBy: null });
    expect(judgeFileSafety(facts(file(0o400), dir(0o700)))).toEqual({ problems: [], readableBy: null });
  });

  it('keeps read bits on the file a warning, not a problem (a git checkout is 0644)', () => {
    expect(judgeFileSafety(facts(file(0o644), dir(0o755)))).toEqual({ problems: [], readableBy: 'group and others' });
    expect(judgeFileSafety(facts(file(0o640))).readableBy).toBe('its group');
    expect(judgeFileSafety(facts(file(0o604))).readableBy).toBe('others');
  });

  it('refuses a file writable by its group or others', () => {
    expect(judgeFileSafety(facts(file(0o666))).problems).toEqual([
      { kind: 'writable', target: 'file', path: '/data/config-access.toml', mode: 0o666, who: 'group and others' },
    ]);
    expect(judgeFileSafety(facts(file(0o620))).problems).toMatchObject([{ kind: 'writable', who: 'its group' }]);
    expect(judgeFileSafety(facts(file(0o602))).problems).toMatchObject([{ kind: 'writable', who: 'others' }]);
  });

  it('refuses a directory writable by its group or others, sticky bit or not', () => {
    expect(judgeFileSafety(facts(file(0o600), dir(0o775))).problems).toEqual([
      { kind: 'writable', target: 'directory', path: '/data', mode: 0o775, who: 'its group' },
    ]);
    expect(judgeFileSafety(facts(file(0o600), dir(0o1777))).problems).toMatchObject([
      { target: 'directory', mode: 0o1777 },
    ]);
  });

  it('lets write bits pass on a read-only mount (a Kubernetes volume: root 3777, file 0440 for fsGroup)', () => {
    const verdict = judgeFileSafety({
      file: { path: '/etc/nano/..2026_01_01/config-access.toml', mode: 0o100440, uid: 0 },
      directories: [
        { path: '/etc/nano', mode: 0o043777, uid: 0, readOnlyMount: true },
        { path: '/etc/nano/..2026_01_01', mode: 0o042755, uid: 0, readOnlyMount: true },
      ],
      processUid: US,
    });
    expect(verdict).toEqual({ problems: [], readableBy: 'its group' });
  });

  it('refuses a file or directory owned by another user, but not by root or by the reader', () => {
    expect(judgeFileSafety(facts(file(0o600, { uid: 0 }), dir(0o755, { uid: 0 }))).problems).toEqual([]);
    expect(judgeFileSafety(facts(file(0o600, { uid: 4242 }), dir(0o755, { uid: 4343 }))).problems).toEqual([
      { kind: 'foreign-owner', target: 'file', path: '/data/config-access.toml', uid: 4242 },
      { kind: 'foreign-owner', target: 'directory', path: '/data', uid: 4343 },
    ]);
  });

  it('judges no owner when the owner or the reader is unknown (Windows, a caller that gives only the mode)', () => {
    expect(judgeFileSafety({ file: file(0o600, { uid: 4242 }), directories: [] }).problems).toEqual([]);
    expect(judgeFileSafety({ file: { path: 'f', mode: 0o100600 }, directories: [], processUid: US }).problems).toEqual(
      [],
    );
  });

  it('says what is wrong in one sentence', () => {
    const [writable, owner] = judgeFileSafety(facts(file(0o646, { uid: 7 }))).problems;
    expect(describeFileSafetyProblem(writable)).toBe(
      'the access file /data/config-access.toml is writable by others (mode 0646)',
    );
    expect(describeFileSafetyProblem(owner)).toBe(
      "the access file /data/config-access.toml is owned by uid 7, neither root nor this process's user",
    );
    expect(formatMode(0o43777)).toBe('3777');
  });
});
