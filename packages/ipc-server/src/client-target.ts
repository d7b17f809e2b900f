import { IpcError, IpcErrorCode } from './errors';

export interface IpcClientOptions {
  /** Unix socket path; wins over host/port. */
  path?: string;
  host?: string;
  port?: number;
  /** Shared secret for the TCP access check. */
  accessFile?: string;
  /** Per-request timeout in milliseconds (default 30 000); also bounds connect and the handshake. */
  timeoutMs?: number;
  /** Largest response accepted, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
  /** Where NANO_IPC_* are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Where a client connects, after options and environment are combined. */
export type IpcTarget =
  { transport: 'local'; path: string } | { transport: 'tcp'; host: string; port: number; accessFile: string | null };

export const DEFAULT_IPC_HOST = '127.0.0.1';
export const DEFAULT_IPC_PORT = 7077;

/**
 * Options override the environment. Within each, a unix socket path wins over
 * TCP. Environment: NANO_IPC_PATH, NANO_IPC_ADDR, NANO_IPC_PORT,
 * NANO_IPC_ACCESS_FILE. Nothing set: TCP 127.0.0.1:7077, the node's default.
 *
 * @throws IpcError NA_IPC_BAD_OPTIONS for a port that is not 1–65535
 */
export function resolveIpcTarget(options: IpcClientOptions = {}): IpcTarget {
  const env = options.env ?? process.env;
  const accessFile = options.accessFile ?? nonEmpty(env.NANO_IPC_ACCESS_FILE) ?? null;
  if (options.path !== undefined) return { transport: 'local', path: options.path };
  if (options.host !== undefined || options.port !== undefined) {
    return {
      transport: 'tcp',
      host: options.host ?? nonEmpty(env.NANO_IPC_ADDR) ?? DEFAULT_IPC_HOST,
      port: options.port ?? parsePort(env.NANO_IPC_PORT) ?? DEFAULT_IPC_PORT,
      accessFile,
    };
  }
  const envPath = nonEmpty(env.NANO_IPC_PATH);
  if (envPath !== undefined) return { transport: 'local', path: envPath };
  return {
    transport: 'tcp',
    host: nonEmpty(env.NANO_IPC_ADDR) ?? DEFAULT_IPC_HOST,
    port: parsePort(env.NANO_IPC_PORT) ?? DEFAULT_IPC_PORT,
    accessFile,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new IpcError(IpcErrorCode.badOptions, `NANO_IPC_PORT must be a port number (1-65535), not "${value}".`);
  }
  return port;
}
