export { execute, main, processIO } from './cli';
export { ExitCode, type CliIO, type CommandResult } from './io';
export { CliErrorCode, errorCodes } from './errors';
