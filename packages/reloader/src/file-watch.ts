import { realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';

/** The directory entry Kubernetes swaps atomically when a mounted ConfigMap or Secret changes. */
export const KUBERNETES_DATA_LINK = '..data';

export interface FileWatch {
  /**
   * Recomputes what is watched from where the file's path leads now (a re-pointed symlink leads
   * elsewhere). Resolves true when the set changed: an event between the caller's read and this
   * call may then have gone unseen, so the caller reads once more.
   */
  refresh(): Promise<boolean>;
  /** The entries watched now (absolute paths), for status and tests. */
  entries(): readonly string[];
  close(): Promise<void>;
}

/**
 * The entries whose events matter: the file's name and `..data` in its directory, and, when the
 * file is a symlink into another directory (not a ConfigMap's `..data`, whose timestamped
 * directories come and go), the target's name in the target's directory.
 */
async function watchedEntries(file: string): Promise<Set<string>> {
  const entries = new Set([file, join(dirname(file), KUBERNETES_DATA_LINK)]);
  try {
    const target = await realpath(file);
    const viaDataLink =
      (await realpath(join(dirname(file), KUBERNETES_DATA_LINK)).catch(() => null)) === dirname(target);
    if (target !== file && !viaDataLink && !target.includes(`${sep}${KUBERNETES_DATA_LINK}${sep}`)) entries.add(target);
  } catch {
    // Missing file: its name in its directory is all there is to watch.
  }
  return entries;
}

/**
 * Watches the directory holding `file` (not the file) and calls `onChange` for any event about
 * the file's name or `..data`: editors save by renaming a new file over the old one, a file may
 * be deleted and recreated, and Kubernetes swaps a symlink, so a watch on the file itself would
 * follow the old inode and go deaf. When the file is a symlink, the directory of its target is
 * watched too; `refresh()` follows the symlink again after it is re-pointed.
 *
 * Both chokidar's events and its raw fs.watch events are listened to: chokidar drops every
 * `change` after the first within 50 ms, and reports no write through a symlink, so its events
 * alone can miss the last chunk of a write. The caller debounces; several calls per write are expected.
 */
export async function watchFile(
  file: string,
  onChange: () => void,
  onError: (error: Error) => void,
): Promise<FileWatch> {
  let entries = await watchedEntries(file);
  let directories = directoriesOf(entries);
  let names = namesOf(entries);
  // Raw events name an entry relative to the watched directory (or give a full path); match on the
  // name, which is at worst a harmless extra read when two watched directories share a name.
  const relevant = (path: string): boolean => entries.has(path) || names.has(basename(path));
  const watcher: FSWatcher = watch([...directories], {
    depth: 0,
    ignoreInitial: true,
    // Symlinks are watched as entries: following `..data` would watch the old timestamped directory.
    followSymlinks: false,
    ignored: (path: string) => !directories.has(path) && !entries.has(path),
  });
  let ready = false;
  watcher.on('all', (_event, path) => {
    if (ready && relevant(path)) onChange();
  });
  watcher.on('raw', (_event, path) => {
    if (ready && typeof path === 'string' && relevant(path)) onChange();
  });
  watcher.on('error', (error) => onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  ready = true;

  return {
    async refresh() {
      const next = await watchedEntries(file);
      if (sameSet(next, entries)) return false;
      const nextDirectories = directoriesOf(next);
      const added = [...nextDirectories].filter((directory) => !directories.has(directory));
      const removed = [...directories].filter((directory) => !nextDirectories.has(directory));
      // The filters first: the new directory's events must pass them as soon as they come.
      entries = next;
      directories = new Set([...directories, ...nextDirectories]);
      names = namesOf(next);
      if (added.length > 0) watcher.add(added);
      if (removed.length > 0) watcher.unwatch(removed);
      directories = nextDirectories;
      return true;
    },
    entries: () => [...entries],
    close: () => watcher.close(),
  };
}

function directoriesOf(entries: ReadonlySet<string>): Set<string> {
  return new Set([...entries].map((entry) => dirname(entry)));
}

function namesOf(entries: ReadonlySet<string>): Set<string> {
  return new Set([...entries].map((entry) => basename(entry)));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}
