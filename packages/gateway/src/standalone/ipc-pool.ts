import type { Logger } from 'pino';
import { GatewayError, GatewayErrorCode } from '../errors';

/** The part of ipc-server's IpcClient the pool uses (it reconnects by itself after a drop). */
export interface PooledIpcClient {
  request(encoding: 1 | 2 | 3 | 4, payload: Uint8Array): Promise<Buffer>;
  close(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface IpcPoolOptions {
  /** num_ipc_connections. */
  size: number;
  /** Makes one client (a new connection on first use). */
  createClient: () => PooledIpcClient;
  logger?: Logger;
}

/**
 * A fixed set of IPC connections used in turn. Each client pipelines its
 * requests and reconnects on the next request after its connection dropped
 * (an IPC server restart), so the pool itself holds no connection state.
 * Failures become GatewayError NA_GATEWAY_UPSTREAM_UNAVAILABLE (HTTP 502).
 */
export class IpcPool {
  private readonly clients: PooledIpcClient[];
  private next = 0;
  private closed = false;

  constructor(private readonly options: IpcPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new GatewayError(GatewayErrorCode.badOption, `IpcPool size must be a positive integer, not ${options.size}`);
    }
    this.clients = Array.from({ length: options.size }, () => {
      const client = options.createClient();
      // Without a listener an 'error' event would crash the process; the failed request reports it.
      client.on('error', (error) => options.logger?.debug({ err: error }, 'IPC connection dropped'));
      return client;
    });
  }

  get size(): number {
    return this.clients.length;
  }

  /** One framed request on the next connection in turn. */
  async request(encoding: 1 | 2 | 3 | 4, payload: Uint8Array): Promise<Buffer> {
    if (this.closed) throw new GatewayError(GatewayErrorCode.upstreamUnavailable, 'The gateway is shutting down.');
    const client = this.clients[this.next];
    this.next = (this.next + 1) % this.clients.length;
    return requestOn(client, encoding, payload, this.options.logger);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.clients.map((client) => client.close().catch(() => undefined)));
  }
}

/** A request on a given client, failures mapped to GatewayError. */
export async function requestOn(
  client: PooledIpcClient,
  encoding: 1 | 2 | 3 | 4,
  payload: Uint8Array,
  logger?: Logger,
): Promise<Buffer> {
  try {
    return await client.request(encoding, payload);
  } catch (error) {
    logger?.warn({ err: error }, 'IPC request failed');
    throw new GatewayError(GatewayErrorCode.upstreamUnavailable, `IPC server unavailable: ${(error as Error).message}`, { cause: error });
  }
}
