import * as fs from 'node:fs';
import { IpcError, IpcErrorCode } from './errors';

/** Shortest secret accepted, in bytes: a guessable secret makes the check theatre. */
export const MIN_SECRET_BYTES = 16;

/**
 * Mode bits that must be clear on the secret file: group write and anything
 * for others. Allowed modes are those of docs/wire.md (0400, 0440, 0600, 0640).
 */
const FORBIDDEN_MODE_BITS = 0o027;

/**
 * Reads the shared secret of the access check. Refuses a file others may read
 * or write, a non-regular file, and a secret shorter than 16 bytes. Trailing
 * line breaks are not part of the secret (editors add them).
 *
 * @throws IpcError NA_IPC_ACCESS_FILE_UNREADABLE, NA_IPC_ACCESS_FILE_PERMISSIONS, NA_IPC_ACCESS_SECRET_WEAK
 */
export function readAccessSecret(file: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    throw new IpcError(
      IpcErrorCode.accessFileUnreadable,
      `Cannot read the IPC access file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      { cause: error },
    );
  }
  try {
    // fstat on the opened descriptor: the file checked is the file read.
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      throw new IpcError(IpcErrorCode.accessFileUnreadable, `The IPC access file ${file} is not a regular file.`);
    }
    if ((stat.mode & FORBIDDEN_MODE_BITS) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new IpcError(
        IpcErrorCode.accessFilePermissions,
        `The IPC access file ${file} has mode ${mode}: others may read or write it. Use 0400, 0440, 0600 or 0640 (chmod 600 ${file}).`,
      );
    }
    const secret = stripTrailingNewlines(fs.readFileSync(fd));
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IpcError(
        IpcErrorCode.accessSecretWeak,
        `The IPC access file ${file} holds ${secret.length} bytes; the secret needs at least ${MIN_SECRET_BYTES}.`,
      );
    }
    return secret;
  } finally {
    fs.closeSync(fd);
  }
}

function stripTrailingNewlines(data: Buffer): Buffer {
  let end = data.length;
  while (end > 0 && (data[end - 1] === 0x0a || data[end - 1] === 0x0d)) end -= 1;
  return data.subarray(0, end);
}
