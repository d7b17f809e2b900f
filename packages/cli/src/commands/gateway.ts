import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import {
  createGateway,
  exampleRequests,
  GatewayError,
  GatewayErrorCode,
  loadRpcConfig,
  RPC_CONFIG_FILE,
  startStandaloneGateway,
  type GatewayDispatcher,
  type RpcConfig,
} from '@nano-access/gateway';
import { DEFAULT_ACCESS_FILE } from '@nano-access/parser';
import { createLogger, type PolicyStore } from '@nano-access/reloader';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { writeDiagnostics, writeError } from '../load';
import { openPolicyStore } from '../open-store';

interface GatewayCommandOptions {
  data: string;
}

/** The account of the node's own documentation, for examples when no ledger is at hand. */
const DOCUMENTED_ACCOUNT = 'nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3';

/**
 * `nano-access gateway --data DIR`: the HTTP RPC gateway alone, in front of an
 * IPC server that runs elsewhere ([process] of config-rpc.toml), with its own
 * hot-reloaded policy for legacy actions. Runs until stopSignal; exit 2 when it
 * cannot start.
 */
export function registerGateway(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('gateway')
    .description(
      'Run the HTTP RPC gateway of a data directory (config-rpc.toml, config-access.toml) in front of a running IPC server, until SIGINT/SIGTERM.',
    )
    .requiredOption('-d, --data <dir>', 'the data directory')
    .action(async (options: GatewayCommandOptions) => {
      result.exitCode = await runGateway(options, io);
    });
}

async function runGateway(options: GatewayCommandOptions, io: CliIO): Promise<number> {
  const dataDir = path.resolve(io.cwd, options.data);
  const config = readGatewayConfig(dataDir, io);
  if (config === null) return ExitCode.usage;
  // fd 2, not process.stderr: written asynchronously in batches (a line per request with log_rpc), flushed at exit.
  const logger = createLogger({ destination: 2, env: io.env });
  const accessPath = path.join(dataDir, DEFAULT_ACCESS_FILE);
  const store = await openPolicyStore(accessPath, logger, io, config.accessPolicy);
  if (store === null) return ExitCode.usage;
  let running;
  try {
    running = await startStandaloneGateway({ config, store, logger, handleSignals: io.handleSignals === true });
  } catch (error) {
    await store.close();
    if (!(error instanceof GatewayError)) throw error;
    writeError(io, { code: error.code, message: `${error.message.replace(/\.$/, '')}; not starting` });
    return ExitCode.usage;
  }
  const ipc = config.process.ipcPath
    ? `unix ${config.process.ipcPath}`
    : `tcp ${config.process.ipcAddress}:${config.process.ipcPort}`;
  io.stdout.write(
    `gateway listening on ${running.address.url} (forwarding to IPC ${ipc} over ${config.process.numIpcConnections} connections)\n`,
  );
  io.stdout.write(`policy: ${accessPath} (reloads on change${io.handleSignals === true ? ' and SIGHUP' : ''})\n`);
  await (io.stopSignal ?? new Promise<void>(() => undefined));
  await running.close();
  await store.close();
  io.stdout.write('stopped\n');
  return ExitCode.ok;
}

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
    writeError(io, { code: error.code, message: `${error.message.replace(/\.$/, '')}; not starting` });
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

/** config-rpc.toml of the data directory; diagnostics written, null on errors. */
export function readGatewayConfig(dataDir: string, io: CliIO): RpcConfig | null {
  const { config, diagnostics } = loadRpcConfig(dataDir);
  writeDiagnostics(io, config === null ? diagnostics.filter((d) => d.severity === 'error') : diagnostics);
  if (config === null) {
    const unreadable = diagnostics.some((d) => d.ruleId === 'unreadable-file');
    writeError(io, {
      code: unreadable ? GatewayErrorCode.configUnreadable : GatewayErrorCode.configInvalid,
      message: `${path.join(dataDir, RPC_CONFIG_FILE)} ${unreadable ? 'cannot be read' : 'has errors'}; not starting`,
    });
  }
  return config;
}

/** The heaviest representative of a ledger file, else the account of the node's documentation. */
function exampleAccount(ledgerPath: string | undefined): string {
  if (ledgerPath === undefined) return DOCUMENTED_ACCOUNT;
  try {
    const ledger = JSON.parse(readFileSync(ledgerPath, 'utf8')) as {
      accounts?: Array<{ account?: unknown; weight?: unknown }>;
    };
    let best: { account: string; weight: bigint } | null = null;
    for (const entry of ledger.accounts ?? []) {
      if (typeof entry.account !== 'string' || typeof entry.weight !== 'string' || !/^\d+$/.test(entry.weight))
        continue;
      const weight = BigInt(entry.weight);
      if (best === null || weight > best.weight) best = { account: entry.account, weight };
    }
    return (
      best?.account ??
      (ledger.accounts?.find((a) => typeof a.account === 'string')?.account as string) ??
      DOCUMENTED_ACCOUNT
    );
  } catch {
    return DOCUMENTED_ACCOUNT;
  }
}
