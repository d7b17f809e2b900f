import { Option, type Command } from 'commander';
import type { IpcClientOptions } from '@nano-access/ipc-server';
import { API_KEY_ENV } from './credentials';
import type { Loaded } from './load';

/** The options `ipc call` and `reload` share: where the server is, and who is calling. */
export interface IpcTargetOptions {
  credentials?: string;
  credentialsFile?: string;
  path?: string;
  host?: string;
  port?: string;
  accessFile?: string;
  timeout: string;
}

/** Adds the credentials and connection options (each overrides its NANO_* environment variable). */
export function addIpcTargetOptions(command: Command, defaultTimeoutMs: number, credentialsNote = ''): Command {
  return command
    .option('--credentials <id>', `credentials (API key)${credentialsNote}; default ${API_KEY_ENV}`)
    .addOption(
      new Option(
        '--credentials-file <file>',
        'read the credentials from a file (- for standard input; one final line break is dropped)',
      ).conflicts('credentials'),
    )
    .option('--path <socket>', 'unix socket path (overrides NANO_IPC_PATH)')
    .option('--host <address>', 'TCP address (overrides NANO_IPC_ADDR)')
    .option('--port <n>', 'TCP port (overrides NANO_IPC_PORT)')
    .option('--access-file <file>', 'shared secret for the TCP access check (overrides NANO_IPC_ACCESS_FILE)')
    .option('--timeout <ms>', 'response timeout in milliseconds', String(defaultTimeoutMs));
}

/** The IpcClient options of the command line (the environment fills in what they leave out), or a usage error. */
export function ipcClientOptions(
  options: IpcTargetOptions,
  env: NodeJS.ProcessEnv,
  usageCode: string,
): Loaded<IpcClientOptions> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    return { ok: false, code: usageCode, message: `--port must be 1-65535, not "${options.port}"` };
  }
  const timeoutMs = Number(options.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return {
      ok: false,
      code: usageCode,
      message: `--timeout must be a positive number of milliseconds, not "${options.timeout}"`,
    };
  }
  const clientOptions: IpcClientOptions = { env, timeoutMs };
  if (options.path !== undefined) clientOptions.path = options.path;
  if (options.host !== undefined) clientOptions.host = options.host;
  if (port !== undefined) clientOptions.port = port;
  if (options.accessFile !== undefined) clientOptions.accessFile = options.accessFile;
  return { ok: true, value: clientOptions };
}
