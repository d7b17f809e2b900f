import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execute, type CliIO } from '@nano-access/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs execute() with captured output, in `cwd`, with `stdin` as standard input. */
export async function runCli(
  argv: string[],
  options: { cwd?: string; stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  };
  const code = await execute(argv, io);
  return { code, stdout, stderr };
}

/** A temporary directory with the given files; removed by the returned cleanup. */
export function tempDir(files: Record<string, string>): {
  dir: string;
  path(name: string): string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'nano-access-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o600 });
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
