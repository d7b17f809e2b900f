import type { Readable } from 'node:stream';

/**
 * What a command may touch of the outside world. Tests pass their own to
 * capture output; the binary passes the process's.
 */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: Readable;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Resolves when the process should stop (SIGINT/SIGTERM for the binary).
   * Long-running commands (serve, gateway) await it; tests resolve it themselves.
   */
  stopSignal?: Promise<void>;
  /** Whether a long-running command may install process signal handlers (SIGHUP). */
  handleSignals?: boolean;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  /** Clean, allowed. */
  ok: 0,
  /** Findings, denied. */
  findings: 1,
  /** Usage error, unreadable or broken file. */
  usage: 2,
} as const;

/**
 * A command sets its exit code through this holder: commander's action
 * handlers cannot return values.
 */
export interface CommandResult {
  exitCode: number;
}
