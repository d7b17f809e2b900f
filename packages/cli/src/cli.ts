import { exitAfterLogFlush, exitOnCrashAfterLogFlush } from '@nano-access/reloader';
import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands/index';
import { ExitCode, type CliIO, type CommandResult } from './io';
import { version } from './version';

/**
 * Runs `nano-access` with the given arguments (without the node and script
 * paths) and resolves with the exit code. Never calls process.exit, never
 * throws: tests call it directly and read what it wrote to `io`.
 */
export async function execute(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const result: CommandResult = { exitCode: ExitCode.ok };
  const program = buildProgram(argv, io, result);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    return exitCodeForError(error, io);
  }
  return result.exitCode;
}

function buildProgram(argv: readonly string[], io: CliIO, result: CommandResult): Command {
  const program = new Command('nano-access')
    .description('Lint, check and serve Nano node access policies (config-access.toml).')
    .version(version, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  // Subcommands inherit exitOverride and configureOutput from the program.
  for (const register of commandsFor(argv)) register(program, io, result);
  return program;
}

function exitCodeForError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // --help and --version end through exitOverride with code 0.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  // A bug of ours: say so in one line, keep the stack for those who ask.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`nano-access: internal error: ${message}\n`);
  if (io.env.NANO_ACCESS_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return ExitCode.usage;
}

/** The real process's streams; SIGINT and SIGTERM resolve stopSignal. */
export function processIO(): CliIO {
  const stopSignal = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
    stopSignal,
    handleSignals: true,
  };
}

/** Entry point of bin/nano-access.js. */
export async function main(): Promise<void> {
  // serve and gateway log asynchronously to fd 2: a crash waits for the log (bounded) before it
  // ends the process, so the lines before it are not lost (reloader's exitOnCrashAfterLogFlush).
  exitOnCrashAfterLogFlush();
  const code = await execute(process.argv.slice(2));
  process.exitCode = code;
  // Long-running commands have closed their servers by now; short ones have
  // nothing pending. Exit once stdout and the asynchronous log are flushed (the
  // log's write in flight included, at most LOG_EXIT_FLUSH_MS), so a stray handle
  // (a file watcher, a keep-alive socket) never keeps the process alive.
  process.stdout.write('', () => exitAfterLogFlush(code));
}
