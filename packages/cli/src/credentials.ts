import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { CliErrorCode } from './errors';
import type { CliIO } from './io';
import type { Loaded } from './load';

/** The environment variable `check`, `explain` and `ipc call` read credentials (an API key) from. */
export const API_KEY_ENV = 'NANO_API_KEY';

/** A credentials file longer than this is not a key (and /dev/zero must not be read to the end). */
export const MAX_CREDENTIALS_BYTES = 64 * 1024;

/** Where credentials come from, first given wins: the option's value, its file, the environment. */
export interface CredentialSources {
  /** The value on the command line (visible in `ps`: the file and the environment are not). */
  value?: string;
  /** A file holding the key (`-`: standard input); one final line break is not part of it. */
  file?: string;
  /** The option that names the file, for messages. */
  fileOption: string;
  /** Whether NANO_API_KEY may be used (not for legacy IPC encodings, which carry no credentials). */
  useEnvironment?: boolean;
}

/**
 * The credentials to use, or undefined for none (the default user). The
 * value is taken exactly (ids are never trimmed), except that one final line
 * break of a file is dropped (`echo key > file`). An empty file is refused
 * rather than read as "no credentials"; an empty NANO_API_KEY counts as unset.
 */
export async function readCredentials(sources: CredentialSources, io: CliIO): Promise<Loaded<string | undefined>> {
  if (sources.value !== undefined) return { ok: true, value: sources.value };
  if (sources.file !== undefined) return readCredentialsFile(sources.file, sources.fileOption, io);
  const fromEnvironment = io.env[API_KEY_ENV];
  if (sources.useEnvironment !== false && fromEnvironment !== undefined && fromEnvironment !== '')
    return { ok: true, value: fromEnvironment };
  return { ok: true, value: undefined };
}

async function readCredentialsFile(path: string, option: string, io: CliIO): Promise<Loaded<string>> {
  const invalid = (reason: string): Loaded<string> => ({
    ok: false,
    code: CliErrorCode.credentialsInvalid,
    message: `${option} ${path}: ${reason}`,
  });
  let bytes: Buffer;
  try {
    // A stream, not readFile: process substitution (<(pass show key)) gives a pipe, and a device may never end.
    bytes = await readAtMost(
      path === '-' ? io.stdin : createReadStream(resolve(io.cwd, path)),
      MAX_CREDENTIALS_BYTES + 1,
    );
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, code: CliErrorCode.fileUnreadable, message: `cannot read ${option} ${path}: ${reason}` };
  }
  if (bytes.length > MAX_CREDENTIALS_BYTES) return invalid(`more than ${MAX_CREDENTIALS_BYTES} bytes, not a key`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalid('not UTF-8');
  }
  const key = text.replace(/\r?\n$/, '');
  if (key === '') return invalid('empty (to mean the default user, give no credentials at all)');
  return { ok: true, value: key };
}

/** Reads a stream up to `limit` bytes, then stops reading it (leaving the loop destroys the stream). */
async function readAtMost(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit);
}
