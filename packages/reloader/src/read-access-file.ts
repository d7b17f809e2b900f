import { constants } from 'node:fs';
import { access, open, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { dirname, resolve as resolvePath } from 'node:path';
import { SourceText, TOML_SYNTAX_RULE_ID } from '@nano-access/parser';
import type { AccessFileFacts, Diagnostic, PathFacts } from '@nano-access/parser';
import { contentHash } from './content-hash';
import { ReloadErrorCode } from './errors';
import type { ReadErrorCode } from './errors';

/** The largest access file read by default: a 1,000,000-user file is about 75 MB. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
/** The most `maxBytes` may be: V8's longest string, which the decoded text must fit in. */
export const MAX_FILE_BYTES_CEILING = 0x1fffffe8;
/** How long one read (open to last byte) may take by default. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

export interface ReadAccessFileOptions {
  /** Refuse a file larger than this many bytes. Default: 256 MiB. */
  maxBytes?: number;
  /** Give up a read (open, stat, every byte) that takes longer than this. Default: 30 s. */
  timeoutMs?: number;
  /** Abandons the read at once (a store that closes). */
  signal?: AbortSignal;
  /** The file's name in messages and diagnostics. Default: the path as given. */
  displayName?: string;
}

export type ReadOutcome =
  /** `facts`: the file's and its directories' modes and owners, for judgeFileSafety (null for a stream, and on Windows). */
  | { kind: 'ok'; bytes: Buffer; hash: string; facts: AccessFileFacts | null }
  | { kind: 'missing' }
  | { kind: 'error'; code: ReadErrorCode; message: string; cause?: unknown };

/** Reads that passed their deadline and have not returned yet, by absolute path. */
const unreturned = new Map<string, Promise<unknown>>();

/**
 * Reads an access file the one way the servers and the CLI both do. Only a regular file is read:
 * it is opened with O_NONBLOCK (so a FIFO cannot block the open) and checked with fstat on the
 * opened descriptor (the file checked is the file read). A file over `maxBytes` is refused with
 * the limit in the message, and the whole read has a deadline. The bytes are hashed exactly as
 * they will be parsed. A missing file (or a dangling symlink, as in the middle of a ConfigMap
 * swap) is 'missing', not an error. Never rejects.
 *
 * A read past its deadline cannot be cancelled (the thread pool holds it); it is left to finish
 * and close its descriptor, and until it has, the next read of the same path fails at once
 * instead of tying up another thread.
 */
export async function readAccessFile(path: string, options: ReadAccessFileOptions = {}): Promise<ReadOutcome> {
  const file = resolvePath(path);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const displayName = options.displayName ?? path;
  if (unreturned.has(file)) {
    return failure(
      ReloadErrorCode.readTimeout,
      `an earlier read of the access file has not returned yet (a hung file system?); not reading it again until it does`,
    );
  }
  const signal = options.signal;
  if (signal?.aborted) return failure(ReloadErrorCode.readFailed, 'the read was abandoned');

  const work = readWhole(file, displayName, maxBytes);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cutOff = new Promise<ReadOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve(
        failure(
          ReloadErrorCode.readTimeout,
          `reading the access file took longer than ${formatSeconds(timeoutMs)} (read_timeout); not reading it again until that read returns`,
        ),
      );
    }, timeoutMs);
    onAbort = () => resolve(failure(ReloadErrorCode.readFailed, 'the read was abandoned'));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  let finished = false;
  try {
    return await Promise.race([work.then((outcome) => ((finished = true), outcome)), cutOff]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      const settled = work.then(() => undefined);
      unreturned.set(file, settled);
      void settled.then(() => unreturned.delete(file));
    }
  }
}

/**
 * Reads an access file from a stream (standard input for `lint -`), with the same size limit.
 * Nothing is known of its mode, so `facts` is null.
 */
export async function readAccessStream(
  stream: NodeJS.ReadableStream,
  options: { maxBytes?: number } = {},
): Promise<ReadOutcome> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      length += bytes.length;
      if (length > maxBytes) return tooLarge(`more than ${maxBytes}`, maxBytes);
      chunks.push(bytes);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    return failure(ReloadErrorCode.readFailed, `cannot read the access file (${code})`, error);
  }
  const bytes = Buffer.concat(chunks, length);
  return { kind: 'ok', bytes, hash: contentHash(bytes), facts: null };
}

export type DecodeOutcome =
  | { ok: true; text: string }
  | { ok: false; code: typeof ReloadErrorCode.notUtf8; message: string; diagnostic: Diagnostic };

/**
 * The file's text, or the place of its first byte that is not UTF-8. TOML is UTF-8 only:
 * decoding with replacement characters would let a corrupt file through, and the CLI would pass
 * a file the servers refuse. Decoded only once the hash says the content is new, so an unchanged
 * file costs a read and a hash.
 */
export function decodeAccessFile(bytes: Buffer, file: string): DecodeOutcome {
  if (isUtf8(bytes)) return { ok: true, text: bytes.toString('utf8') };
  const at = firstInvalidUtf8(bytes);
  const prefix = bytes.subarray(0, at).toString('utf8');
  const position = new SourceText(prefix).positionAt(prefix.length);
  const byte = `0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')}`;
  const message = `The file is not valid UTF-8: byte ${byte} at line ${position.line}, column ${position.column} begins no valid character (TOML files are UTF-8).`;
  const diagnostic: Diagnostic = {
    ruleId: TOML_SYNTAX_RULE_ID,
    severity: 'error',
    message,
    messageId: 'invalidUtf8',
    file,
    span: { start: position, end: position },
    fatal: true,
  };
  return {
    ok: false,
    code: ReloadErrorCode.notUtf8,
    message: `the access file is not valid UTF-8 (line ${position.line}, column ${position.column})`,
    diagnostic,
  };
}

/**
 * Offset of the first byte that starts no well-formed UTF-8 sequence (Unicode's table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF). Only called on bytes isUtf8 refused.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let continuation: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) continuation = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      continuation = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      continuation = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= continuation; k++) {
      const next = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (next === undefined || next < min || next > max) return i;
    }
    i += continuation + 1;
  }
  return bytes.length;
}

async function readWhole(file: string, displayName: string, maxBytes: number): Promise<ReadOutcome> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return failure(ReloadErrorCode.readFailed, `cannot read the access file (${code})`, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      return failure(
        ReloadErrorCode.notAFile,
        `the access file is ${kindOf(stats)}, not a regular file; only a regular file is read`,
      );
    if (stats.size > maxBytes) return tooLarge(String(stats.size), maxBytes);
    const bytes = await readAll(handle, stats.size, maxBytes);
    if (bytes === null) return tooLarge(`more than ${maxBytes}`, maxBytes);
    // Windows has no owner and group bits: its stat reports 0666 for every writable file.
    const facts = process.platform === 'win32' ? null : await factsOf(file, displayName, stats);
    return { kind: 'ok', bytes, hash: contentHash(bytes), facts };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    return failure(ReloadErrorCode.readFailed, `cannot read the access file (${code})`, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Every byte up to end of file, or null past maxBytes (a file may grow after its fstat). */
async function readAll(handle: FileHandle, size: number, maxBytes: number): Promise<Buffer | null> {
  // One byte more than expected, so that end of file is seen without a second buffer.
  let buffer = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > maxBytes) return null;
      const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
  }
}

/**
 * The mode and owner of the file read and of the directories that decide what the path opens:
 * the path's own directory and, for a symlink, the directory of the file it resolves to.
 */
async function factsOf(file: string, displayName: string, stats: Stats): Promise<AccessFileFacts> {
  const processUid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const real = await realpath(file).catch(() => file);
  const directories: PathFacts[] = [];
  for (const directory of new Set([dirname(file), dirname(real)])) {
    const directoryStats = await stat(directory).catch(() => null);
    if (directoryStats !== null) directories.push(await pathFacts(directory, directory, directoryStats));
  }
  return {
    file: await pathFacts(real, displayName, stats),
    directories,
    ...(processUid === undefined ? {} : { processUid }),
  };
}

async function pathFacts(path: string, shown: string, stats: Stats): Promise<PathFacts> {
  const facts: PathFacts = { path: shown, mode: stats.mode, uid: stats.uid };
  // Write bits only matter where a write is possible: ask the kernel when there are some.
  if ((stats.mode & 0o022) !== 0) {
    const readOnly = await access(path, constants.W_OK).then(
      () => false,
      (error: NodeJS.ErrnoException) => error.code === 'EROFS',
    );
    if (readOnly) facts.readOnlyMount = true;
  }
  return facts;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'of another kind';
}

function tooLarge(size: string, maxBytes: number): ReadOutcome {
  return failure(
    ReloadErrorCode.fileTooLarge,
    `the access file is ${size} bytes, over the limit of ${maxBytes} bytes (max_file_bytes)`,
  );
}

function failure(code: ReadErrorCode, message: string, cause?: unknown): ReadOutcome {
  return { kind: 'error', code, message, ...(cause === undefined ? {} : { cause }) };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
