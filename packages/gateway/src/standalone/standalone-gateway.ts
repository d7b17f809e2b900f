import { join } from 'node:path';
import type { Logger } from 'pino';
import { IpcClient } from '@nano-access/ipc-server';
import { PolicyStore } from '@nano-access/reloader';
import type { RpcConfig } from '../config/rpc-config';
import { createGateway, type Gateway, type GatewayAddress } from '../gateway';
import { IpcDispatcher } from './ipc-dispatcher';
import { IpcPool, type PooledIpcClient } from './ipc-pool';

export const ACCESS_FILE = 'config-access.toml';

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
    options.store ?? (await PolicyStore.open(join(options.dataDir ?? '.', ACCESS_FILE), { logger, watch: true }));
  const removeSignals = options.handleSignals ? store.installSignalHandlers() : () => undefined;
  const createClient = (): PooledIpcClient => ipcClientFor(config);
  const pool = new IpcPool({
    size: config.process.numIpcConnections,
    createClient,
    maxFrameBytes: config.process.ipcMaxFrameBytes,
    logger,
  });
  const dispatcher = new IpcDispatcher({
    pool,
    policy: store,
    enableControl: config.enableControl,
    createClient,
    logger,
  });
  const gateway = createGateway({
    dispatcher,
    store,
    config,
    logger,
    metricsSources: [() => dispatcher.metricsText()],
  });
  let address: GatewayAddress;
  try {
    address = await gateway.listen();
  } catch (error) {
    removeSignals();
    await pool.close();
    dispatcher.close();
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
