import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { contentHash } from './content-hash';

export type ReadOutcome =
  | { kind: 'ok'; bytes: Buffer; hash: string }
  | { kind: 'missing' }
  | { kind: 'error'; code: string; message: string; cause?: unknown };

/**
 * Reads the access file whole, in one call, and hashes exactly the bytes that will be parsed:
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
  return { kind: 'ok', bytes, hash: contentHash(bytes) };
}

/**
 * The file's text, or null when it is not UTF-8. Decoded only once the hash says the content is
 * new, so an unchanged file costs a read and a hash. TOML is UTF-8 only: decoding with
 * replacement characters would let a corrupt file through.
 */
export function decodeAccessFile(bytes: Buffer): string | null {
  return isUtf8(bytes) ? bytes.toString('utf8') : null;
}
