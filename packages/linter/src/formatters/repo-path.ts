import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * A result's path relative to the repository root, with forward slashes:
 * what GitHub (annotations, code scanning) matches against its checkout.
 * Pure string work: no file is touched. Paths outside the root, and
 * non-file names such as <stdin>, stay as they are.
 */
export function repoRelativePath(filePath: string, cwd: string, repoRoot: string | undefined): string {
  if (filePath.startsWith('<')) return filePath;
  const absolute = isAbsolute(filePath) ? filePath : resolve(cwd, filePath);
  const rel = relative(repoRoot ?? cwd, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return filePath.split(sep).join('/');
  return rel.split(sep).join('/');
}
