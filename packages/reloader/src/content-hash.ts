import { createHash } from 'node:crypto';

/** sha256 of the file's bytes, lower-case hex: what `sha256sum` prints, so operators can compare. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
