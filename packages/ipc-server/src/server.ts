import * as net from 'node:net';
import type { Logger } from 'pino';
import { readAccessSecret } from './access-secret';
import { IpcConnection, type IpcDispatcher, type TransportName } from './connection';
import { IpcError, IpcErrorCode } from './errors';
import type { NodeConfig } from './node-config';
import { closeServer, listen, listenUnixSocket, type UnixSocketListener } from './unix-socket';

const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** Where a transport listens. */
export type IpcAddress =
  | { transport: 'tcp'; host: string; port: number; accessCheck: boolean }
  | { transport: 'local'; path: string; mode: number };

/** The running IPC servers of one data directory. */
export interface IpcServers {
  addresses(): IpcAddress[];
  /** Open connections, both transports. */
  connectionCount(): number;
  /** Stops listening, ends every connection, removes the socket file. */
  close(): Promise<void>;
}

export interface StartIpcServersOptions {
  config: NodeConfig;
  dispatcher: IpcDispatcher;
  logger: Logger;
  /** The data directory the config came from (relative paths are already resolved against it). */
  dataDir: string;
}

/**
 * Starts the enabled transports of config-node.toml. With none enabled it
 * starts nothing (as the node does). Fails as a whole: if one transport cannot
 * start, the other is closed again.
 *
 * @throws IpcError when a transport cannot start (socket in use, secret file too open, port taken…)
 */
export async function startIpcServers(options: StartIpcServersOptions): Promise<IpcServers> {
  const { config, dispatcher, logger } = options;
  const connections = new Set<IpcConnection>();
  const addresses: IpcAddress[] = [];
  const closers: Array<() => Promise<void>> = [];
  const maxConnections = config.ipc.maxConnections;

  // A flood of refused connections logs one line per interval, with the count, not one per connection.
  let refusedSinceLog = 0;
  let lastRefusalLog = 0;
  const accept = (transport: TransportName, allowUnsafe: boolean, ioTimeout: number, secret: Buffer | null) => (socket: net.Socket) => {
    if (connections.size >= maxConnections) {
      socket.destroy();
      refusedSinceLog += 1;
      const now = Date.now();
      if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
        logger.warn({ code: IpcErrorCode.tooManyConnections, transport, maxConnections, refused: refusedSinceLog }, 'ipc connections refused: max_connections reached');
        lastRefusalLog = now;
        refusedSinceLog = 0;
      }
      return;
    }
    const connection = new IpcConnection(socket, {
      dispatcher,
      logger,
      transport,
      allowUnsafe,
      ioTimeoutMs: ioTimeout * 1000,
      maxFrameBytes: config.ipc.maxFrameBytes,
      secret,
    });
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  };

  const closeAll = async (): Promise<void> => {
    const pending = closers.splice(0).map((close) => close());
    for (const connection of connections) connection.destroy();
    await Promise.all(pending);
  };

  try {
    const { tcp, local } = config.ipc;
    if (tcp.enable) {
      // Read (and vet) the secret before listening: a too-open file means no server at all.
      const secret = tcp.accessCheck ? readAccessSecret(tcp.accessFile) : null;
      const server = net.createServer({ noDelay: true }, accept('tcp', tcp.allowUnsafe, tcp.ioTimeout, secret));
      try {
        await listen(server, { host: tcp.address, port: tcp.port, exclusive: true });
      } catch (error) {
        throw new IpcError(IpcErrorCode.listenFailed, `Cannot listen on TCP ${tcp.address}:${tcp.port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { cause: error });
      }
      closers.push(() => closeServer(server));
      const bound = server.address() as net.AddressInfo;
      addresses.push({ transport: 'tcp', host: bound.address, port: bound.port, accessCheck: secret !== null });
    }
    if (local.enable) {
      const server = net.createServer(accept('local', local.allowUnsafe, local.ioTimeout, null));
      const listener: UnixSocketListener = await listenUnixSocket(server, local.path, local.mode);
      closers.push(() => listener.close());
      addresses.push({ transport: 'local', path: listener.path, mode: local.mode });
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  for (const address of addresses) logger.info({ address }, 'ipc server listening');

  let closing: Promise<void> | null = null;
  return {
    addresses: () => addresses.map((a) => ({ ...a })),
    connectionCount: () => connections.size,
    close: () => {
      closing ??= closeAll().then(() => logger.info('ipc servers closed'));
      return closing;
    },
  };
}
