import { basename, dirname } from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';

/** The directory entry Kubernetes swaps atomically when a mounted ConfigMap or Secret changes. */
export const KUBERNETES_DATA_LINK = '..data';

export interface FileWatch {
  close(): Promise<void>;
}

/**
 * Watches the directory holding `file`, and calls `onChange` for any event about the file's own
 * name or about `..data`. The directory (not the file) is watched because editors save by
 * renaming a new file over the old one, a file may be deleted and recreated, and Kubernetes
 * swaps a symlink: a watch on the file itself would follow the old inode and go deaf.
 *
 * Both chokidar's events and its raw fs.watch events are listened to: chokidar drops every
 * `change` after the first within 50 ms, and does not report writes through a symlink, so its
 * events alone can miss the last chunk of a write. The caller debounces; several calls per
 * write are expected.
 */
export async function watchFile(
  file: string,
  onChange: () => void,
  onError: (error: Error) => void,
): Promise<FileWatch> {
  const directory = dirname(file);
  const name = basename(file);
  const relevant = (path: string): boolean => {
    const entry = basename(path);
    return entry === name || entry === KUBERNETES_DATA_LINK;
  };
  const watcher: FSWatcher = watch(directory, {
    depth: 0,
    ignoreInitial: true,
    // Symlinks are watched as entries: following `..data` would watch the old timestamped directory.
    followSymlinks: false,
    ignored: (path: string) => path !== directory && !relevant(path),
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
