import * as net from 'node:net';
import { family, type Sample } from '@nano-access/metrics';
import type { Logger } from 'pino';
import { readAccessSecret } from './access-secret';
import { EventBudget, InflightBudget, type SlowConsumerReason } from './budgets';
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

/** What the servers hold now, and what they refused since start. */
export interface IpcServerStats {
  /** Per transport: open now, refused (its max_connections reached) since start, its max_connections. */
  connections: Record<TransportName, { open: number; refused: number; max: number }>;
  /** Request bytes in flight (max_inflight_bytes): charged now, of which frames still arriving; frames refused. */
  inflight: { used: number; partial: number; limit: number; refused: number };
  /** Event bytes queued for subscribers (max_queued_event_bytes); subscribers cut, by reason. */
  events: { used: number; limit: number; cutoffs: Record<SlowConsumerReason, number> };
}

/** The running IPC servers of one data directory. */
export interface IpcServers {
  addresses(): IpcAddress[];
  /** Open connections, both transports. */
  connectionCount(): number;
  /** Connections refused (max_connections reached) since start, both transports. */
  refusedCount(): number;
  stats(): IpcServerStats;
  /** The stats as Prometheus text (exposition format 0.0.4), for a /metrics endpoint. */
  metricsText(): string;
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
  // One set per transport: each has its own max_connections, so idle connections on one (a
  // gateway's pool over TCP, say) never lock the other out.
  const connections: Record<TransportName, Set<IpcConnection>> = { tcp: new Set(), local: new Set() };
  const maxConnections: Record<TransportName, number> = {
    tcp: config.ipc.tcp.maxConnections ?? config.ipc.maxConnections,
    local: config.ipc.local.maxConnections ?? config.ipc.maxConnections,
  };
  const addresses: IpcAddress[] = [];
  const closers: Array<() => Promise<void>> = [];
  const inflight = new InflightBudget(config.ipc.maxInflightBytes);
  const events = new EventBudget<IpcConnection>(config.ipc.maxQueuedEventBytes);

  const refusals = new RefusalLog(logger, maxConnections, options.refusalLogIntervalMs ?? REFUSAL_LOG_INTERVAL_MS);
  const accept =
    (transport: TransportName, allowUnsafe: boolean, ioTimeout: number, secret: Buffer | null) =>
    (socket: net.Socket) => {
      const open = connections[transport];
      if (open.size >= maxConnections[transport]) {
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
        inflight,
        events,
      });
      open.add(connection);
      socket.once('close', () => open.delete(connection));
    };

  const closeAll = async (): Promise<void> => {
    const pending = closers.splice(0).map((close) => close());
    for (const connection of [...connections.tcp, ...connections.local]) connection.destroy();
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
        throw new IpcError(
          IpcErrorCode.listenFailed,
          `Cannot listen on TCP ${tcp.address}:${tcp.port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
          { cause: error },
        );
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

  const stats = (): IpcServerStats => ({
    connections: {
      tcp: { open: connections.tcp.size, refused: refusals.byTransport.tcp, max: maxConnections.tcp },
      local: { open: connections.local.size, refused: refusals.byTransport.local, max: maxConnections.local },
    },
    inflight: { used: inflight.used, partial: inflight.partial, limit: inflight.limit, refused: inflight.refused },
    events: { used: events.used, limit: events.limit, cutoffs: { ...events.cutoffs } },
  });

  let closing: Promise<void> | null = null;
  return {
    addresses: () => addresses.map((a) => ({ ...a })),
    connectionCount: () => connections.tcp.size + connections.local.size,
    refusedCount: () => refusals.total,
    stats,
    metricsText: () => renderMetrics(stats()),
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
  /** Refused since start, per transport. */
  readonly byTransport: Record<TransportName, number> = { tcp: 0, local: 0 };
  private pending = 0;
  private readonly pendingByTransport: Record<TransportName, number> = { tcp: 0, local: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly maxConnections: Record<TransportName, number>,
    private readonly intervalMs: number,
  ) {}

  refused(transport: TransportName): void {
    this.total += 1;
    this.byTransport[transport] += 1;
    if (this.timer === null) {
      this.logger.warn(
        {
          code: IpcErrorCode.tooManyConnections,
          transport,
          maxConnections: this.maxConnections[transport],
          refused: 1,
          refusedTotal: this.total,
        },
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
        maxConnections: { ...this.maxConnections },
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

/** The stats in Prometheus text format 0.0.4. Every series is always present (0 until used). */
function renderMetrics(stats: IpcServerStats): string {
  let text = '';
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]): void => {
    text += family(name, type, help, samples);
  };
  const perTransport = (pick: (t: IpcServerStats['connections']['tcp']) => number): Sample[] =>
    (['local', 'tcp'] as const).map((transport) => ({
      labels: { transport },
      value: pick(stats.connections[transport]),
    }));
  metric(
    'nano_access_ipc_connections_open',
    'gauge',
    'IPC connections open now, per transport.',
    perTransport((t) => t.open),
  );
  metric(
    'nano_access_ipc_connections_max',
    'gauge',
    'max_connections of each transport.',
    perTransport((t) => t.max),
  );
  metric(
    'nano_access_ipc_connections_refused_total',
    'counter',
    "IPC connections closed at accept because their transport's max_connections were open.",
    perTransport((t) => t.refused),
  );
  metric(
    'nano_access_ipc_inflight_bytes',
    'gauge',
    'Request bytes in flight: frames charged their declared length from their length prefix until answered.',
    [{ value: stats.inflight.used }],
  );
  metric(
    'nano_access_ipc_inflight_partial_bytes',
    'gauge',
    'Of those, bytes of frames still arriving (at most half of max_inflight_bytes).',
    [{ value: stats.inflight.partial }],
  );
  metric('nano_access_ipc_inflight_bytes_limit', 'gauge', 'max_inflight_bytes.', [{ value: stats.inflight.limit }]);
  metric(
    'nano_access_ipc_inflight_refused_total',
    'counter',
    'Frames refused (error answer, connection closed) because max_inflight_bytes had no room for them.',
    [{ value: stats.inflight.refused }],
  );
  metric(
    'nano_access_ipc_queued_event_bytes',
    'gauge',
    'Event bytes queued for subscribers and not yet taken by the kernel.',
    [{ value: stats.events.used }],
  );
  metric('nano_access_ipc_queued_event_bytes_limit', 'gauge', 'max_queued_event_bytes.', [
    { value: stats.events.limit },
  ]);
  metric(
    'nano_access_ipc_slow_consumers_total',
    'counter',
    'Subscribers closed for not reading their events: 16 MiB unsent on the connection, or the most queued when max_queued_event_bytes was exhausted.',
    [
      { labels: { reason: 'connection' }, value: stats.events.cutoffs.connection },
      { labels: { reason: 'global' }, value: stats.events.cutoffs.global },
    ],
  );
  return text;
}
