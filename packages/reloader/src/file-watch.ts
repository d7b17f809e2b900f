import { realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';

/** The directory entry Kubernetes swaps atomically when a mounted ConfigMap or Secret changes. */
export const KUBERNETES_DATA_LINK = '..data';

export interface FileWatch {
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
    const viaDataLink = (await realpath(join(dirname(file), KUBERNETES_DATA_LINK)).catch(() => null)) === dirname(target);
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
 * follow the old inode and go deaf.
 *
 * Both chokidar's events and its raw fs.watch events are listened to: chokidar drops every
 * `change` after the first within 50 ms, and reports no write through a symlink, so its events
 * alone can miss the last chunk of a write. The caller debounces; several calls per write are expected.
 */
export async function watchFile(file: string, onChange: () => void, onError: (error: Error) => void): Promise<FileWatch> {
  const entries = await watchedEntries(file);
  const directories = new Set([...entries].map((entry) => dirname(entry)));
  const names = new Set([...entries].map((entry) => basename(entry)));
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
  return { close: () => watcher.close() };
}
