/**
 * Whether an access file may be served, judged from its mode bits and owners. The one judgment
 * the servers (which refuse an unsafe file) and the linter's `file-mode` rule (which reports it)
 * share, so that they never disagree. Pure: the caller stats the file and its directories.
 */

/** What the judgment needs to know of one file or directory (stat after following symlinks). */
export interface PathFacts {
  /** The path as it is to be shown. */
  path: string;
  /** st_mode: the type and permission bits. */
  mode: number;
  /** st_uid; absent when unknown (then the owner is not judged). */
  uid?: number;
  /**
   * It is on a read-only mount (access(2) with W_OK fails with EROFS), so its write bits let
   * nobody write it: a Kubernetes Secret, ConfigMap or projected volume is mounted so.
   */
  readOnlyMount?: boolean;
}

export interface AccessFileFacts {
  /** The file that was opened (the symlink's target, never the link). */
  file: PathFacts;
  /**
   * The directories whose entries decide which file the path opens: the one holding the path
   * and, when the path is a symlink, the one holding the file it resolves to.
   */
  directories: readonly PathFacts[];
  /** The uid of the process that reads the file; absent when unknown (no owner is judged). */
  processUid?: number;
}

/** Who besides the owner a mode lets in. */
export type ModeAudience = 'its group' | 'others' | 'group and others';

/** A reason to refuse the file: someone other than its owner (or root) can change what is served. */
export type FileSafetyProblem =
  | { kind: 'writable'; target: 'file' | 'directory'; path: string; mode: number; who: ModeAudience }
  | { kind: 'foreign-owner'; target: 'file' | 'directory'; path: string; uid: number };

export interface FileSafety {
  /** Reasons to refuse the file; a server refuses it when there is any, unless told otherwise. */
  problems: FileSafetyProblem[];
  /** Who besides the owner can read the file, or null. A warning only: a git checkout is 0644. */
  readableBy: ModeAudience | null;
}

const GROUP_WRITE = 0o020;
const OTHER_WRITE = 0o002;
const GROUP_READ = 0o040;
const OTHER_READ = 0o004;
const ROOT_UID = 0;

/**
 * The file's and its directories' write bits for group or others (unless on a read-only mount),
 * and their owners when neither root nor the reading process, are problems; read bits on the file
 * are a warning. A symlink's own mode (always 0777) means nothing and is never given here.
 */
export function judgeFileSafety(facts: AccessFileFacts): FileSafety {
  const problems: FileSafetyProblem[] = [];
  const judge = (subject: PathFacts, target: 'file' | 'directory'): void => {
    const who = audience(subject.mode, GROUP_WRITE, OTHER_WRITE);
    if (who !== null && subject.readOnlyMount !== true) {
      problems.push({ kind: 'writable', target, path: subject.path, mode: subject.mode & 0o7777, who });
    }
    const uid = subject.uid;
    if (uid !== undefined && facts.processUid !== undefined && uid !== ROOT_UID && uid !== facts.processUid) {
      problems.push({ kind: 'foreign-owner', target, path: subject.path, uid });
    }
  };
  judge(facts.file, 'file');
  for (const directory of facts.directories) judge(directory, 'directory');
  return { problems, readableBy: audience(facts.file.mode, GROUP_READ, OTHER_READ) };
}

/** `0644`: the permission bits as chmod takes them (with the special bits when set). */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** One sentence saying what is wrong, for logs and error messages. */
export function describeFileSafetyProblem(problem: FileSafetyProblem): string {
  const what = problem.target === 'file' ? `the access file ${problem.path}` : `the directory ${problem.path}`;
  if (problem.kind === 'writable') return `${what} is writable by ${problem.who} (mode ${formatMode(problem.mode)})`;
  return `${what} is owned by uid ${problem.uid}, neither root nor this process's user`;
}

function audience(mode: number, groupBit: number, otherBit: number): ModeAudience | null {
  const group = (mode & groupBit) !== 0;
  const other = (mode & otherBit) !== 0;
  if (group && other) return 'group and others';
  if (group) return 'its group';
  if (other) return 'others';
  return null;
}
