import type { Command } from 'commander';
import type { CliIO, CommandResult } from '../io';

/** Adds one subcommand to the program. Set result.exitCode in the action. */
export type RegisterCommand = (program: Command, io: CliIO, result: CommandResult) => void;

/**
 * Every subcommand of `nano-access`, one file each, sorted by name. Each is
 * loaded only when needed: `lint` in a pre-commit hook should not pay for
 * loading the servers (about 150 ms of start-up on a small machine).
 * `require` rather than `import()` keeps loading synchronous and jest-friendly.
 */
export const commandLoaders: Readonly<Record<string, () => RegisterCommand>> = {
  check: () => (require('./check') as typeof import('./check')).registerCheck,
  diff: () => (require('./diff') as typeof import('./diff')).registerDiff,
  explain: () => (require('./explain') as typeof import('./explain')).registerExplain,
  gateway: () => (require('./gateway') as typeof import('./gateway')).registerGateway,
  ipc: () => (require('./ipc') as typeof import('./ipc')).registerIpc,
  lint: () => (require('./lint') as typeof import('./lint')).registerLint,
  matrix: () => (require('./matrix') as typeof import('./matrix')).registerMatrix,
  reload: () => (require('./reload') as typeof import('./reload')).registerReload,
  serve: () => (require('./serve') as typeof import('./serve')).registerServe,
  test: () => (require('./test') as typeof import('./test')).registerTest,
};

/**
 * The commands to register for these arguments: just the named one when the
 * first argument names a command, else all of them (for help and for
 * commander's "unknown command" suggestions).
 */
export function commandsFor(argv: readonly string[]): RegisterCommand[] {
  const first = argv[0];
  if (first !== undefined && Object.prototype.hasOwnProperty.call(commandLoaders, first))
    return [commandLoaders[first]()];
  return Object.values(commandLoaders).map((load) => load());
}
