import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { IpcClient } from '@nano-access/ipc-server';
import { DEFAULT_ACCESS_FILE } from '@nano-access/parser';
import { Dispatcher } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import type { RpcConfig } from '../config/rpc-config';
import { GatewayError, GatewayErrorCode } from '../errors';
import { createGateway, type Gateway, type GatewayAddress } from '../gateway';
import { ConfirmationRelay } from './confirmation-relay';
import { createRateLimiter } from '../config/rate-limit-config';
import { IpcDispatcher } from './ipc-dispatcher';
import { IpcPool, type PooledIpcClient } from './ipc-pool';

export interface StandaloneGatewayOptions {
  /** config-rpc.toml, loaded (loadRpcConfig). */
  config: RpcConfig;
  /** The gateway's own policy store; default: PolicyStore.open(<dataDir>/config-access.toml), watched. */
  store?: PolicyStore;
  /** Where config-access.toml lives when no store is given. */
  dataDir?: string;
  logger?: Logger;
  /** Install SIGHUP to reload the policy (the CLI binary: yes; tests: no). */
  handleSignals?: boolean;
  /** First reconnect delay of the WebSocket upstream subscription, ms (default 250; tests shorten it). */
  upstreamBackoffMs?: number;
}

export interface StandaloneGateway {
  gateway: Gateway;
  store: PolicyStore;
  address: GatewayAddress;
  /** Closes the HTTP listener, the IPC connections, and the store if it opened it. */
  close(): Promise<void>;
}

/**
 * `nano-access gateway`: the gateway as its own process, in front of a
 * separately running IPC server (this project's or a node's) at
 * [process] ipc_address:ipc_port (or ipc_path), over num_ipc_connections
 * connections. Rejects with PolicyStoreError or GatewayError on a start failure.
 */
export async function startStandaloneGateway(options: StandaloneGatewayOptions): Promise<StandaloneGateway> {
  const { config, logger } = options;
  const ownStore = options.store === undefined;
  const store =
    options.store ??
    (await PolicyStore.open(join(options.dataDir ?? '.', DEFAULT_ACCESS_FILE), { logger, watch: true }));
  let upstreamCredentials: string | undefined;
  try {
    upstreamCredentials = readUpstreamCredentials(config.websocket.upstreamCredentialsFile);
  } catch (error) {
    if (ownStore) await store.close();
    throw error;
  }
  const removeSignals = options.handleSignals ? store.installSignalHandlers() : () => undefined;
  const createClient = (): PooledIpcClient => ipcClientFor(config);
  const pool = new IpcPool({
    size: config.process.numIpcConnections,
    createClient,
    maxFrameBytes: config.process.ipcMaxFrameBytes,
    logger,
  });
  // [rate_limit]: one limiter for every request this process sees, over HTTP and WebSocket alike.
  const rateLimiter = createRateLimiter(config.rateLimit);
  const dispatcher = new IpcDispatcher({
    pool,
    policy: store,
    enableControl: config.enableControl,
    createClient,
    logger,
    rateLimiter,
  });
  // WebSocket subscriptions: one upstream TopicConfirmation, fanned out by a local Dispatcher
  // (the gateway's policy decides which socket gets what, as the IPC server's does for IPC).
  const relay = new ConfirmationRelay({
    createClient: () => ipcClientFor(config),
    credentials: upstreamCredentials,
    logger,
    initialBackoffMs: options.upstreamBackoffMs,
  });
  const subscriptions = new Dispatcher({ policy: store, backend: relay, logger, rateLimiter });
  const closeRelay = async (): Promise<void> => {
    subscriptions.close();
    await relay.close();
  };
  const gateway = createGateway({
    dispatcher,
    store,
    config,
    logger,
    metricsSources: [() => dispatcher.metricsText()],
    subscriptions,
    upstream: relay,
  });
  let address: GatewayAddress;
  try {
    address = await gateway.listen();
  } catch (error) {
    removeSignals();
    await pool.close();
    dispatcher.close();
    await closeRelay();
    if (ownStore) await store.close();
    throw error;
  }
  return {
    gateway,
    store,
    address,
    async close() {
      removeSignals();
      await gateway.close();
      await closeRelay();
      await pool.close();
      dispatcher.close();
      if (ownStore) await store.close();
    },
  };
}

/** A client for the configured IPC server. The config file is authoritative: NANO_IPC_* are not consulted. */
function ipcClientFor(config: RpcConfig): IpcClient {
  const timeoutMs = config.process.ipcTimeout * 1000;
  if (config.process.ipcPath) return new IpcClient({ path: config.process.ipcPath, timeoutMs, env: {} });
  return new IpcClient({
    host: config.process.ipcAddress,
    port: config.process.ipcPort,
    accessFile: config.process.ipcAccessFile || undefined,
    timeoutMs,
    env: {},
  });
}

/** A credentials file longer than this is not a key. */
const MAX_CREDENTIALS_BYTES = 64 * 1024;

/**
 * [websocket] upstream_credentials_file: the key exactly, but one final line break. "" (not set):
 * none, the default user. Unreadable, empty or too long: the gateway does not start.
 */
function readUpstreamCredentials(file: string): string | undefined {
  if (file === '') return undefined;
  const fail = (reason: string): GatewayError =>
    new GatewayError(
      GatewayErrorCode.wsCredentialsUnreadable,
      `[websocket] upstream_credentials_file ${file}: ${reason}`,
    );
  let bytes: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(MAX_CREDENTIALS_BYTES + 1);
      bytes = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, null));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (bytes.length > MAX_CREDENTIALS_BYTES) throw fail(`more than ${MAX_CREDENTIALS_BYTES} bytes, not a key`);
  const key = bytes.toString('utf8').replace(/\r?\n$/, '');
  if (key === '') throw fail('empty (to subscribe as the default user, leave the key out)');
  return key;
}
