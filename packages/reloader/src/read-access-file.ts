import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { contentHash } from './content-hash';

export type ReadOutcome =
  | { kind: 'ok'; text: string; hash: string; bytes: number }
  | { kind: 'missing' }
  | { kind: 'error'; code: string; message: string; cause?: unknown };

/**
 * Reads the access file whole, in one call, and hashes exactly the bytes that are parsed:
 * the hash in events and status always describes the text the policy was built from.
 * A missing file (or a dangling symlink, as in the middle of a ConfigMap swap) is 'missing', not an error.
 */
export async function readAccessFile(path: string): Promise<ReadOutcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'error', code, message: `cannot read the access file (${code})`, cause: error };
  }
  if (!isUtf8(bytes)) {
    // TOML is UTF-8 only; decoding with replacement characters would let a corrupt file through.
    return { kind: 'error', code: 'EILSEQ', message: 'the access file is not valid UTF-8' };
  }
  return { kind: 'ok', text: bytes.toString('utf8'), hash: contentHash(bytes), bytes: bytes.length };
}
