import type { Command } from 'commander';
import { escapeControlsInJson } from '@nano-access/parser';
import { readCredentials } from '../credentials';
import { IpcClient, IpcError, IpcErrorCode } from '@nano-access/ipc-server';
import { decodeFlatbuffersEnvelope, encodeFlatbuffersEnvelope } from '@nano-access/protocol';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { writeError } from '../load';
import { addIpcTargetOptions, ipcClientOptions, type IpcTargetOptions } from '../ipc-target-options';

interface CallOptions extends IpcTargetOptions {
  encoding?: string;
  compact?: boolean;
}

const USAGE = IpcErrorCode.badOptions;

/**
 * `nano-access ipc call '<json>'`: one request to an IPC server (this one or a
 * node), the response printed as JSON. Exit 0 answered, 1 an Error envelope or
 * a legacy {"error"}, 2 usage or connection failure. The server is found from
 * the options, else NANO_IPC_PATH / NANO_IPC_ADDR / NANO_IPC_PORT / NANO_IPC_ACCESS_FILE;
 * the credentials from --credentials, else --credentials-file, else NANO_API_KEY.
 * Encoding 3 takes the same JSON envelope, sends it as a flatbuffers Envelope and prints
 * the flatbuffers answer as JSON.
 */
export function registerIpc(program: Command, io: CliIO, result: CommandResult): void {
  const ipc = program.command('ipc').description('Talk to an IPC server.');
  const call = ipc
    .command('call')
    .description('Send one request and print the response (exit 0 answered, 1 error response, 2 failure).')
    .argument(
      '<json>',
      'encodings 3/4: an envelope {"message_type", "message"} or {"message_type", …}; encodings 1/2: {"action": …}',
    )
    .option(
      '-e, --encoding <n>',
      'wire encoding: 1 legacy, 2 legacy with unsafe actions, 3 flatbuffers envelope (JSON in and out), 4 JSON envelope (default: 1 for {"action": …}, else 4)',
    );
  addIpcTargetOptions(call, 10000, ' for the envelope (encodings 3 and 4)')
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
  if (encoding !== 1 && encoding !== 2 && encoding !== 3 && encoding !== 4) {
    writeError(io, { code: USAGE, message: `--encoding must be 1, 2, 3 or 4, not "${options.encoding}"` });
    return ExitCode.usage;
  }
  const envelopeEncoding = encoding === 3 || encoding === 4;
  if ((options.credentials !== undefined || options.credentialsFile !== undefined) && !envelopeEncoding) {
    const option = options.credentials !== undefined ? '--credentials' : '--credentials-file';
    writeError(io, {
      code: USAGE,
      message: `${option} needs --encoding 3 or 4 (legacy encodings carry no credentials)`,
    });
    return ExitCode.usage;
  }
  // NANO_API_KEY is for envelopes only (a legacy request carries no credentials), and never replaces credentials the JSON gives.
  const credentials = await readCredentials(
    {
      value: options.credentials,
      file: options.credentialsFile,
      fileOption: '--credentials-file',
      useEnvironment: envelopeEncoding && !('credentials' in request),
    },
    io,
  );
  if (!credentials.ok) {
    writeError(io, credentials);
    return ExitCode.usage;
  }
  const clientOptions = ipcClientOptions(options, io.env, USAGE);
  if (!clientOptions.ok) {
    writeError(io, clientOptions);
    return ExitCode.usage;
  }
  const envelope = { ...(request as Record<string, unknown>) };
  if (credentials.value !== undefined) envelope.credentials = credentials.value;
  let flatbuffers: Uint8Array | undefined;
  if (encoding === 3) {
    const encoded = encodeFlatbuffersRequest(envelope);
    if (!encoded.ok) {
      writeError(io, { code: USAGE, message: encoded.message });
      return ExitCode.usage;
    }
    flatbuffers = encoded.bytes;
  }

  const client = new IpcClient(clientOptions.value);
  try {
    let response: Record<string, unknown>;
    let failed: boolean;
    if (flatbuffers !== undefined) {
      const decoded = decodeFlatbuffersEnvelope(await client.request(3, flatbuffers));
      if (!decoded.ok) {
        writeError(io, {
          code: IpcErrorCode.badResponse,
          message: `the server's answer is not a flatbuffers Envelope: ${decoded.error}`,
        });
        return ExitCode.usage;
      }
      response = decoded.value;
      failed = response.message_type === 'Error';
    } else if (encoding === 4) {
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

/** A JSON envelope as a flatbuffers Envelope, or why it cannot be one (a type outside the union, a bad field). */
function encodeFlatbuffersRequest(
  envelope: Record<string, unknown>,
): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  const { message_type: type, message } = envelope;
  if (typeof type !== 'string') return { ok: false, message: 'an encoding 3 request needs a string "message_type"' };
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { ok: false, message: 'an encoding 3 request needs an object "message"' };
  const unknown = Object.keys(envelope).filter(
    (key) => !['message_type', 'message', 'credentials', 'correlation_id', 'time'].includes(key),
  );
  if (unknown.length > 0)
    return { ok: false, message: `a flatbuffers Envelope has no field ${unknown.map((k) => `"${k}"`).join(', ')}` };
  for (const key of ['credentials', 'correlation_id'] as const) {
    if (envelope[key] !== undefined && typeof envelope[key] !== 'string')
      return { ok: false, message: `"${key}" must be a string` };
  }
  try {
    return {
      ok: true,
      bytes: encodeFlatbuffersEnvelope({
        message_type: type,
        message: message as Record<string, unknown>,
        ...(typeof envelope.credentials === 'string' ? { credentials: envelope.credentials } : {}),
        ...(typeof envelope.correlation_id === 'string' ? { correlation_id: envelope.correlation_id } : {}),
        ...(typeof envelope.time === 'number' ? { time: envelope.time } : {}),
      }),
    };
  } catch (error) {
    return { ok: false, message: `cannot encode it as flatbuffers: ${(error as Error).message}` };
  }
}
