import type { Command } from 'commander';
import type { CliIO, CommandResult } from '../io';
import { registerCheck } from './check';
import { registerExplain } from './explain';
import { registerGateway } from './gateway';
import { registerIpc } from './ipc';
import { registerLint } from './lint';
import { registerMatrix } from './matrix';
import { registerServe } from './serve';

/** Adds one subcommand to the program. Set result.exitCode in the action. */
export type RegisterCommand = (program: Command, io: CliIO, result: CommandResult) => void;

/** Every subcommand of `nano-access`, one file each, sorted by name. */
export const commands: readonly RegisterCommand[] = [registerCheck, registerExplain, registerGateway, registerIpc, registerLint, registerMatrix, registerServe];
