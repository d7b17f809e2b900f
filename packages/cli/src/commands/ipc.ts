import { Option, type Command } from 'commander';
import { escapeControlsInJson } from '@nano-access/parser';
import { API_KEY_ENV, readCredentials } from '../credentials';
import { IpcClient, IpcError, IpcErrorCode, type IpcClientOptions } from '@nano-access/ipc-server';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { writeError } from '../load';

interface CallOptions {
  encoding?: string;
  credentials?: string;
  credentialsFile?: string;
  path?: string;
  host?: string;
  port?: string;
  accessFile?: string;
  timeout: string;
  compact?: boolean;
}

const USAGE = IpcErrorCode.badOptions;

/**
 * `nano-access ipc call '<json>'`: one request to an IPC server (this one or a
 * node), the response printed as JSON. Exit 0 answered, 1 an Error envelope or
 * a legacy {"error"}, 2 usage or connection failure. The server is found from
 * the options, else NANO_IPC_PATH / NANO_IPC_ADDR / NANO_IPC_PORT / NANO_IPC_ACCESS_FILE;
 * the credentials from --credentials, else --credentials-file, else NANO_API_KEY.
 */
export function registerIpc(program: Command, io: CliIO, result: CommandResult): void {
  const ipc = program.command('ipc').description('Talk to an IPC server.');
  ipc
    .command('call')
    .description('Send one request and print the response (exit 0 answered, 1 error response, 2 failure).')
    .argument(
      '<json>',
      'encoding 4: an envelope {"message_type", "message"} or {"message_type", …}; encodings 1/2: {"action": …}',
    )
    .option(
      '-e, --encoding <n>',
      'wire encoding: 1 legacy, 2 legacy with unsafe actions, 4 JSON envelope (default: 1 for {"action": …}, else 4)',
    )
    .option('--credentials <id>', `credentials (API key) for the envelope (encoding 4); default ${API_KEY_ENV}`)
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
    .option('--timeout <ms>', 'response timeout in milliseconds', '10000')
    .option('--compact', 'print the response on one line')
    .action(async (json: string, options: CallOptions) => {
      result.exitCode = await runCall(json, options, io);
    });
}

async function runCall(json: string, options: CallOptions, io: CliIO): Promise<number> {
  let request: unknown;
  try {
    request = JSON.parse(json);
  } catch (error) {
    writeError(io, { code: USAGE, message: `the request is not JSON: ${(error as Error).message}` });
    return ExitCode.usage;
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    writeError(io, { code: USAGE, message: 'the request must be a JSON object' });
    return ExitCode.usage;
  }
  // A legacy request names an action; anything else is an envelope.
  const encoding = options.encoding === undefined ? ('action' in request ? 1 : 4) : Number(options.encoding);
  if (encoding !== 1 && encoding !== 2 && encoding !== 4) {
    writeError(io, { code: USAGE, message: `--encoding must be 1, 2 or 4, not "${options.encoding}"` });
    return ExitCode.usage;
  }
  if ((options.credentials !== undefined || options.credentialsFile !== undefined) && encoding !== 4) {
    const option = options.credentials !== undefined ? '--credentials' : '--credentials-file';
    writeError(io, { code: USAGE, message: `${option} needs --encoding 4 (legacy encodings carry no credentials)` });
    return ExitCode.usage;
  }
  // NANO_API_KEY is for envelopes only (a legacy request carries no credentials), and never replaces credentials the JSON gives.
  const credentials = await readCredentials(
    {
      value: options.credentials,
      file: options.credentialsFile,
      fileOption: '--credentials-file',
      useEnvironment: encoding === 4 && !('credentials' in request),
    },
    io,
  );
  if (!credentials.ok) {
    writeError(io, credentials);
    return ExitCode.usage;
  }
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    writeError(io, { code: USAGE, message: `--port must be 1-65535, not "${options.port}"` });
    return ExitCode.usage;
  }
  const timeoutMs = Number(options.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    writeError(io, {
      code: USAGE,
      message: `--timeout must be a positive number of milliseconds, not "${options.timeout}"`,
    });
    return ExitCode.usage;
  }
  const clientOptions: IpcClientOptions = { env: io.env, timeoutMs };
  if (options.path !== undefined) clientOptions.path = options.path;
  if (options.host !== undefined) clientOptions.host = options.host;
  if (port !== undefined) clientOptions.port = port;
  if (options.accessFile !== undefined) clientOptions.accessFile = options.accessFile;

  const client = new IpcClient(clientOptions);
  try {
    let response: Record<string, unknown>;
    let failed: boolean;
    if (encoding === 4) {
      const envelope = { ...(request as Record<string, unknown>) };
      if (credentials.value !== undefined) envelope.credentials = credentials.value;
      const answer = await client.call(envelope as unknown as Parameters<IpcClient['call']>[0]);
      response = answer as unknown as Record<string, unknown>;
      failed = answer.message_type === 'Error';
    } else {
      response = await client.legacy(request as Record<string, unknown>, { unsafe: encoding === 2 });
      failed = typeof response.error === 'string';
    }
    io.stdout.write(
      `${escapeControlsInJson(JSON.stringify(response, null, options.compact === true ? undefined : 2))}\n`,
    );
    return failed ? ExitCode.findings : ExitCode.ok;
  } catch (error) {
    if (error instanceof IpcError) {
      writeError(io, { code: error.code, message: error.message.replace(/\.$/, '') });
      return ExitCode.usage;
    }
    throw error;
  } finally {
    await client.close();
  }
}
