import * as path from 'node:path';
import type { Logger } from 'pino';
import {
  createGateway,
  exampleRequests,
  GatewayError,
  RPC_CONFIG_FILE,
  type GatewayDispatcher,
  type RpcConfig,
} from '@nano-access/gateway';
import type { PolicyStore } from '@nano-access/reloader';
import { exampleAccount } from './example-account';
import { readGatewayConfig, writeGatewayNotStarting } from './gateway-config';
import type { CliIO } from './io';

/** The in-process gateway that `serve` starts beside its IPC servers. */
export interface ServeGateway {
  /** Lines for stdout: where it listens and three curl examples that work as printed. */
  describe(): string[];
  close(): Promise<void>;
}

/**
 * Starts the gateway of `serve` over the same dispatcher and PolicyStore as
 * the IPC servers (one policy, no socket hop). Writes the reason and returns
 * null when it cannot start (the caller exits 2).
 */
export async function startServeGateway(options: {
  dataDir: string;
  dispatcher: GatewayDispatcher & { metricsText?(): string };
  store: PolicyStore;
  logger: Logger;
  io: CliIO;
  /** The embedded backend's ledger, for an example account. */
  ledgerPath?: string;
  /** More Prometheus text for /metrics (the IPC servers' connections and budgets). */
  metricsSources?: ReadonlyArray<() => string>;
  /** config-rpc.toml as already read (serve reads it first, for the dispatcher's rate limiter); read here when absent. */
  config?: RpcConfig;
}): Promise<ServeGateway | null> {
  const { dataDir, dispatcher, store, logger, io } = options;
  const config = options.config ?? readGatewayConfig(dataDir, io);
  if (config === null) return null;
  if (config.accessPolicy !== null) {
    logger.warn(
      { file: path.join(dataDir, RPC_CONFIG_FILE) },
      `[access_policy] of ${RPC_CONFIG_FILE} applies to \`nano-access gateway\` only; \`serve\` reads the access file as [access_policy] of config-node.toml says`,
    );
  }
  const metricsSources = [
    ...(typeof dispatcher.metricsText === 'function' ? [() => dispatcher.metricsText!()] : []),
    ...(options.metricsSources ?? []),
  ];
  const gateway = createGateway({ dispatcher, store, config, logger, metricsSources });
  let address;
  try {
    address = await gateway.listen();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    writeGatewayNotStarting(io, error);
    return null;
  }
  const listening = address;
  return {
    describe() {
      const examples = exampleRequests({
        address: listening,
        policy: store.current,
        account: exampleAccount(options.ledgerPath),
        caFile: config.tls.enable ? config.tls.cert : undefined,
      });
      return [
        `gateway listening on ${listening.url}${config.enableControl ? ' (enable_control on)' : ''}`,
        'try (as the default user; add -H "Nano-Api-Key: <user id>" to call as a user of config-access.toml):',
        ...examples.map((line) => `  ${line}`),
      ];
    },
    close: () => gateway.close(),
  };
}
