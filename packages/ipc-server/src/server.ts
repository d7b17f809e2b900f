import * as net from 'node:net';
import type { Logger } from 'pino';
import { readAccessSecret } from './access-secret';
import { IpcConnection, type IpcDispatcher, type TransportName } from './connection';
import { IpcError, IpcErrorCode } from './errors';
import type { NodeConfig } from './node-config';
import { closeServer, listen, listenUnixSocket, type UnixSocketListener } from './unix-socket';

/** At most one refusal summary line per this interval. */
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
  /** Connections refused (max_connections reached) since start, both transports. */
  refusedCount(): number;
  /** Stops listening, ends every connection, removes the socket file. */
  close(): Promise<void>;
}

export interface StartIpcServersOptions {
  config: NodeConfig;
  dispatcher: IpcDispatcher;
  logger: Logger;
  /** The data directory the config came from (relative paths are already resolved against it). */
  dataDir: string;
  /** At most one refusal summary log line per this many ms (default 10 s). */
  refusalLogIntervalMs?: number;
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

  const refusals = new RefusalLog(logger, maxConnections, options.refusalLogIntervalMs ?? REFUSAL_LOG_INTERVAL_MS);
  const accept = (transport: TransportName, allowUnsafe: boolean, ioTimeout: number, secret: Buffer | null) => (socket: net.Socket) => {
    if (connections.size >= maxConnections) {
      socket.destroy();
      refusals.refused(transport);
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
    refusals.flush();
    refusals.stop();
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
    refusedCount: () => refusals.total,
    close: () => {
      closing ??= closeAll().then(() => logger.info('ipc servers closed'));
      return closing;
    },
  };
}

/**
 * The log of refused connections, bounded whatever the flood: the first refusal is logged at once;
 * later ones are counted and summarized in at most one line per interval (the count since the last
 * line), and on close. A refusal after a quiet interval is logged at once again.
 */
class RefusalLog {
  /** Refused since start. */
  total = 0;
  private pending = 0;
  private readonly pendingByTransport: Record<TransportName, number> = { tcp: 0, local: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly maxConnections: number,
    private readonly intervalMs: number,
  ) {}

  refused(transport: TransportName): void {
    this.total += 1;
    if (this.timer === null) {
      this.logger.warn(
        { code: IpcErrorCode.tooManyConnections, transport, maxConnections: this.maxConnections, refused: 1, refusedTotal: this.total },
        'ipc connection refused: max_connections reached',
      );
      this.arm();
      return;
    }
    this.pending += 1;
    this.pendingByTransport[transport] += 1;
  }

  /** Writes the summary of the refusals not yet logged, if any. */
  flush(): void {
    if (this.pending === 0) return;
    this.logger.warn(
      {
        code: IpcErrorCode.tooManyConnections,
        maxConnections: this.maxConnections,
        refused: this.pending,
        byTransport: { ...this.pendingByTransport },
        refusedTotal: this.total,
      },
      'ipc connections refused: max_connections reached',
    );
    this.pending = 0;
    this.pendingByTransport.tcp = 0;
    this.pendingByTransport.local = 0;
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.pending === 0) return;
      this.flush();
      // Keep summarizing while the flood lasts: the next line no sooner than one interval from now.
      this.arm();
    }, this.intervalMs);
    this.timer.unref();
  }
}
