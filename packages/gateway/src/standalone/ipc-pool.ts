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
  /**
   * The IPC server's max_frame_bytes (default 1 MiB, the server's default). A larger payload is
   * refused here: sent, it would make the IPC server close a connection other requests share.
   */
  maxFrameBytes?: number;
  logger?: Logger;
}

/**
 * A fixed set of IPC connections. A request goes to the connection with the fewest requests
 * in flight (ties in turn): the IPC server answers a connection's requests one at a time, in
 * order, so a slow request holds up only the requests that had no idle connection to go to.
 * Each client pipelines its
 * requests and reconnects on the next request after its connection dropped
 * (an IPC server restart), so the pool itself holds no connection state.
 * Failures become GatewayError NA_GATEWAY_UPSTREAM_UNAVAILABLE (HTTP 502).
 */
export class IpcPool {
  private readonly clients: PooledIpcClient[];
  /** Requests sent and not yet settled, per client. */
  private readonly inFlight: number[];
  private next = 0;
  private closed = false;
  /** The largest payload forwarded (ipc_max_frame_bytes). */
  readonly maxFrameBytes: number;

  constructor(private readonly options: IpcPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new GatewayError(
        GatewayErrorCode.badOption,
        `IpcPool size must be a positive integer, not ${options.size}`,
      );
    }
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.clients = Array.from({ length: options.size }, () => {
      const client = options.createClient();
      // Without a listener an 'error' event would crash the process; the failed request reports it.
      client.on('error', (error) => options.logger?.debug({ err: error }, 'IPC connection dropped'));
      return client;
    });
    this.inFlight = this.clients.map(() => 0);
  }

  get size(): number {
    return this.clients.length;
  }

  /** One framed request on the next connection in turn. Rejects with NA_GATEWAY_BODY_TOO_LARGE, unsent, a payload over maxFrameBytes. */
  async request(encoding: 1 | 2 | 3 | 4, payload: Uint8Array): Promise<Buffer> {
    this.assertFrameFits(payload);
    if (this.closed) throw new GatewayError(GatewayErrorCode.upstreamUnavailable, 'The gateway is shutting down.');
    const index = this.leastBusy();
    this.inFlight[index]++;
    try {
      return await requestOn(this.clients[index], encoding, payload, this.options.logger);
    } finally {
      this.inFlight[index]--;
    }
  }

  /** The client with the fewest requests in flight, searched from the one after the last pick. */
  private leastBusy(): number {
    const count = this.clients.length;
    let best = this.next;
    for (let step = 1; step < count && this.inFlight[best] > 0; step++) {
      const index = (this.next + step) % count;
      if (this.inFlight[index] < this.inFlight[best]) best = index;
    }
    this.next = (best + 1) % count;
    return best;
  }

  /** Throws NA_GATEWAY_BODY_TOO_LARGE when the IPC server would refuse this payload's frame. */
  assertFrameFits(payload: Uint8Array): void {
    if (payload.length <= this.maxFrameBytes) return;
    throw new GatewayError(
      GatewayErrorCode.bodyTooLarge,
      `Request too large for the IPC server: its frame would be ${payload.length} bytes, over ipc_max_frame_bytes (${this.maxFrameBytes})`,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.clients.map((client) => client.close().catch(() => undefined)));
  }
}

/** The IPC server's own default max_frame_bytes. */
const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

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
    throw new GatewayError(
      GatewayErrorCode.upstreamUnavailable,
      `IPC server unavailable: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
