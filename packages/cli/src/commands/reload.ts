import type { Command } from 'commander';
import { escapeControls } from '@nano-access/parser';
import { IpcClient, IpcError, IpcErrorCode } from '@nano-access/ipc-server';
import { ErrorCode, type AccessReloadOutcome, type ResponseEnvelope } from '@nano-access/protocol';
import { readCredentials } from '../credentials';
import { CliErrorCode } from '../errors';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { addIpcTargetOptions, ipcClientOptions, type IpcTargetOptions } from '../ipc-target-options';
import { writeError } from '../load';

/** Exit code of a caller the server refused (the Error envelope's code 3). */
export const RELOAD_REFUSED_EXIT = 3;

/**
 * A reload of a large file (a million users) takes seconds, and the read alone may take up to
 * the server's read_timeout (30 s by default): the answer is awaited longer than an `ipc call`'s.
 */
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * `nano-access reload`: asks a running server (found as `ipc call` finds it) to re-read its
 * access file now, over IPC encoding 4 (the AccessReload message, permission
 * api_access_reload), and prints the outcome on one line. Exit 0 reloaded or unchanged,
 * 1 the file was rejected (or is missing) and the active policy kept, 2 the server could not be
 * reached or the command was misused, 3 the server refused the caller.
 */
export function registerReload(program: Command, io: CliIO, result: CommandResult): void {
  const command = program
    .command('reload')
    .description(
      "Ask a running server to re-read its access file now, over IPC (exit 0 applied or unchanged, 1 rejected, 2 unreachable or misuse, 3 refused). Found like 'ipc call': --path/--host/--port/--access-file, else NANO_IPC_PATH/ADDR/PORT/ACCESS_FILE.",
    );
  addIpcTargetOptions(command, DEFAULT_TIMEOUT_MS).action(async (options: IpcTargetOptions) => {
    result.exitCode = await runReload(options, io);
  });
}

async function runReload(options: IpcTargetOptions, io: CliIO): Promise<number> {
  const credentials = await readCredentials(
    { value: options.credentials, file: options.credentialsFile, fileOption: '--credentials-file' },
    io,
  );
  if (!credentials.ok) {
    writeError(io, credentials);
    return ExitCode.usage;
  }
  const clientOptions = ipcClientOptions(options, io.env, IpcErrorCode.badOptions);
  if (!clientOptions.ok) {
    writeError(io, clientOptions);
    return ExitCode.usage;
  }
  const client = new IpcClient(clientOptions.value);
  let answer: ResponseEnvelope;
  try {
    answer = await client.call({
      message_type: 'AccessReload',
      message: {},
      ...(credentials.value !== undefined ? { credentials: credentials.value } : {}),
    });
  } catch (error) {
    if (error instanceof IpcError) {
      writeError(io, { code: error.code, message: error.message.replace(/\.$/, '') });
      return ExitCode.usage;
    }
    throw error;
  } finally {
    await client.close();
  }
  return report(answer, io);
}

/** Prints the server's answer; returns the exit code. */
function report(answer: ResponseEnvelope, io: CliIO): number {
  if (answer.message_type === 'Error') {
    const { code, message } = answer.message as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : 'no message';
    if (code === ErrorCode.accessDenied) {
      writeError(io, { code: CliErrorCode.reloadRefused, message: `the server refused the reload: ${text}` });
      return RELOAD_REFUSED_EXIT;
    }
    writeError(io, {
      code: CliErrorCode.reloadFailed,
      message: `the server did not reload: ${text} (error ${String(code)})`,
    });
    return ExitCode.usage;
  }
  const outcome = answer.message as Partial<AccessReloadOutcome>;
  if (answer.message_type !== 'AccessReloadResponse' || typeof outcome.generation !== 'number') {
    writeError(io, {
      code: IpcErrorCode.badResponse,
      message: `the server's answer is not an AccessReloadResponse (${escapeControls(String(answer.message_type))})`,
    });
    return ExitCode.usage;
  }
  const policy = `generation ${outcome.generation}, policy ${escapeControls(String(outcome.hash))}`;
  switch (outcome.outcome) {
    case 'reloaded':
      io.stdout.write(`reloaded: ${policy}\n`);
      return ExitCode.ok;
    case 'unchanged':
      io.stdout.write(`unchanged: ${policy}\n`);
      return ExitCode.ok;
    case 'missing':
      io.stdout.write(`not reloaded: the access file is missing; kept ${policy}\n`);
      return ExitCode.findings;
    default: {
      const reasons = (outcome.errors ?? []).map(
        (e) => `${e.at}: error: ${e.message}${e.rule === undefined ? '' : ` [${e.rule}]`}`,
      );
      if (outcome.error !== undefined) reasons.push(`${outcome.error.message} (${outcome.error.code})`);
      const summary = `rejected: ${reasons.length === 0 ? 'the access file has errors' : reasons.join('; ')}; kept ${policy}`;
      io.stdout.write(`${escapeControls(summary)}\n`);
      return ExitCode.findings;
    }
  }
}
