import * as path from 'node:path';
import { Readable } from 'node:stream';
import { execute, type CliIO } from '@nano-access/cli';

const REPO = path.join(__dirname, '..', '..', '..', '..');

/** Runs the CLI in this process (in `cwd`, the repository by default) with captured output; `stop()` stands in for SIGTERM. */
export function inProcess(argv: string[], options: { cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  let stop!: () => void;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const io: CliIO = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from([]),
    cwd: options.cwd ?? REPO,
    env: { NANO_ACCESS_LOG_LEVEL: 'silent' },
    stopSignal,
    handleSignals: false,
  };
  return { exit: execute(argv, io), stop, out: () => stdout, err: () => stderr };
}

/** Polls `condition` every 25 ms; throws naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
