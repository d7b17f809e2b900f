import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliErrorCode } from './errors';
import type { CliIO } from './io';
import { decodeAccessFile } from '@nano-access/reloader';
import { readAccessText, type Loaded } from './load';

/** An access file named on the command line: a path, `-`, or `REV:PATH` in git. */
export interface Source {
  /** The argument as given: what reports call the file. */
  name: string;
  /** Where the text comes from. */
  kind: 'file' | 'stdin' | 'git';
  /** For `REV:PATH`: PATH (as git reads it, from the repository root unless it starts with ./ or ../). */
  path: string;
  revision?: string;
}

/**
 * How an argument is read: `-` is standard input; an existing file is that
 * file, even when its name holds a colon; otherwise `REV:PATH` is PATH as
 * of revision REV (`origin/main:config-access.toml`; an empty REV is the
 * index, as in git); anything else is a path (which then fails to read).
 */
export function sourceOf(argument: string, cwd: string): Source {
  if (argument === '-') return { name: argument, kind: 'stdin', path: argument };
  const colon = argument.indexOf(':');
  if (colon === -1 || existsSync(resolve(cwd, argument))) return { name: argument, kind: 'file', path: argument };
  return { name: argument, kind: 'git', path: argument.slice(colon + 1), revision: argument.slice(0, colon) };
}

/** Largest file `git show` may hand us: a 1,000,000-user access file is about 75 MB. */
const GIT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Reads a source's text through the servers' own reader and UTF-8 check
 * (a file or standard input), or git's bytes through the same UTF-8 check;
 * a git failure is NA_CLI_GIT_SHOW_FAILED with git's own message.
 */
export async function readSource(source: Source, io: CliIO): Promise<Loaded<string>> {
  if (source.kind !== 'git') {
    const read = await readAccessText(source.path, io);
    return read.ok ? { ok: true, value: read.value.text } : read;
  }
  const object = `${source.revision}:${source.path}`;
  return new Promise((done) => {
    // --end-of-options: a revision that starts with "-" is never read as an option.
    execFile(
      'git',
      ['show', '--no-textconv', '--end-of-options', object],
      { cwd: io.cwd, encoding: 'buffer', maxBuffer: GIT_MAX_BYTES, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => {
        if (!error) {
          const decoded = decodeAccessFile(stdout, source.name);
          done(
            decoded.ok
              ? { ok: true, value: decoded.text }
              : {
                  ok: false,
                  code: decoded.code,
                  message: `${source.name}: ${decoded.message}`,
                  diagnostics: [decoded.diagnostic],
                },
          );
          return;
        }
        const reason =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'git is not installed (or not on PATH)'
            : stderr
                .toString('utf8')
                .trim()
                .replace(/\s*\n\s*/g, '; ') || error.message;
        done({
          ok: false,
          code: CliErrorCode.gitShowFailed,
          message: `cannot read ${source.name} with git show: ${reason}`,
        });
      },
    );
  });
}
