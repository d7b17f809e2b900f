import { watch, type FSWatcher } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';

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
 * One `fs.watch` per directory, each event matched on its name and nothing else done: the
 * directory an access file lives in may be busy (the node's data directory holds its ledger and
 * its logs; an operator may write the server's own log there), and an event about any other name
 * must cost next to nothing. chokidar, used before, re-read the whole directory (a readdir and an
 * lstat per entry) on every event in it, which cost a server writing its log_rpc file beside the
 * access file ~30 µs of CPU per request (docs/performance.md). Every event is passed on, a write
 * through a symlink and each chunk of a write included; the caller debounces, and several calls
 * per write are expected.
 */
export async function watchFile(
  file: string,
  onChange: () => void,
  onError: (error: Error) => void,
): Promise<FileWatch> {
  let entries = await watchedEntries(file);
  let names = namesOf(entries);
  // Events name an entry relative to its directory; match on the name, which is at worst a
  // harmless extra read when two watched directories share a name.
  const watchers = new Map<string, FSWatcher>();
  const open = (directory: string): void => {
    const watcher = watch(directory, { persistent: true }, (_event, name) => {
      // No name (some platforms, or an overflowed queue): anything may have changed.
      if (name === null || names.has(name)) onChange();
    });
    watcher.on('error', (error) => onError(error instanceof Error ? error : new Error(String(error))));
    watchers.set(directory, watcher);
  };
  try {
    for (const directory of directoriesOf(entries)) open(directory);
  } catch (error) {
    for (const watcher of watchers.values()) watcher.close();
    throw error;
  }

  return {
    async refresh() {
      const next = await watchedEntries(file);
      if (sameSet(next, entries)) return false;
      const nextDirectories = directoriesOf(next);
      // The filter first: the new directory's events must pass it as soon as they come.
      entries = next;
      names = namesOf(next);
      for (const directory of nextDirectories) {
        if (watchers.has(directory)) continue;
        try {
          open(directory);
        } catch (error) {
          onError(error instanceof Error ? error : new Error(String(error)));
        }
      }
      for (const [directory, watcher] of [...watchers]) {
        if (nextDirectories.has(directory)) continue;
        watcher.close();
        watchers.delete(directory);
      }
      return true;
    },
    entries: () => [...entries],
    close: () => {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      return Promise.resolve();
    },
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
