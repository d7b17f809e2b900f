import * as path from 'node:path';
import type { Command } from 'commander';
import {
  IpcError,
  IpcErrorCode,
  loadNodeConfig,
  startIpcServers,
  type IpcAddress,
  type IpcServers,
  type NodeConfig,
} from '@nano-access/ipc-server';
import { createEmbeddedBackend, createNodeRpcBackend, Dispatcher, type Backend } from '@nano-access/protocol';
import { DEFAULT_ACCESS_FILE } from '@nano-access/parser';
import { createLogger } from '@nano-access/reloader';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { createRateLimiter } from '@nano-access/gateway';
import { readGatewayConfig } from '../gateway-config';
import { writeDiagnostics, writeError } from '../load';
import { openPolicyStore } from '../open-store';
import { startServeGateway } from '../serve-gateway';
import { accessReloader } from '../access-reloader';

interface ServeOptions {
  data: string;
}

/**
 * `nano-access serve --data DIR`: the IPC server of config-node.toml and the
 * in-process gateway of config-rpc.toml, with the
 * policy of config-access.toml hot-reloaded (file watch, and SIGHUP when the
 * process's signals are ours). Runs until stopSignal; exit 2 when it cannot start.
 */
export function registerServe(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('serve')
    .description(
      'Run the IPC server and the HTTP gateway of a data directory (config-node.toml, config-rpc.toml, config-access.toml) with one hot-reloaded policy, until SIGINT/SIGTERM.',
    )
    .requiredOption('-d, --data <dir>', 'the data directory')
    .action(async (options: ServeOptions) => {
      result.exitCode = await runServe(options, io);
    });
}

async function runServe(options: ServeOptions, io: CliIO): Promise<number> {
  const dataDir = path.resolve(io.cwd, options.data);
  const { config, diagnostics } = loadNodeConfig(dataDir);
  if (config === null) {
    writeDiagnostics(io, diagnostics);
    writeError(io, {
      code: IpcErrorCode.configInvalid,
      message: `${path.join(dataDir, 'config-node.toml')} has errors; not starting`,
    });
    return ExitCode.usage;
  }
  // config-rpc.toml before anything opens: its [rate_limit] is the dispatcher's, shared by the
  // gateway and the IPC servers' v2 sessions.
  const rpcConfig = readGatewayConfig(dataDir, io);
  if (rpcConfig === null) return ExitCode.usage;
  // Logs are JSON lines on stderr; stdout carries only what the command reports.
  // fd 2, not process.stderr: written asynchronously in batches (a line per request with log_rpc), flushed at exit.
  const logger = createLogger({ destination: 2, env: io.env });
  const accessPath = path.join(dataDir, DEFAULT_ACCESS_FILE);

  const store = await openPolicyStore(accessPath, logger, io, config.accessPolicy);
  if (store === null) return ExitCode.usage;
  const disposeSignals = io.handleSignals === true ? store.installSignalHandlers() : null;

  const resources: Array<() => Promise<void> | void> = [() => disposeSignals?.(), () => store.close()];
  const closeAll = async (): Promise<void> => {
    for (const close of resources.splice(0).reverse()) await close();
  };
  try {
    const opened = await openBackend(config, logger);
    if ('error' in opened) {
      writeError(io, {
        code: opened.code,
        message: `cannot open the ${config.backend.type} backend: ${opened.error}; not starting`,
      });
      await closeAll();
      return ExitCode.usage;
    }
    const backend = opened.backend;
    resources.push(() => backend.close());
    const dispatcher = new Dispatcher({
      policy: store,
      backend,
      logger,
      maxServicesPerSession: config.ipc.maxServicesPerConnection,
      reloadPolicy: accessReloader(store),
      rateLimiter: createRateLimiter(rpcConfig.rateLimit),
    });
    resources.push(() => dispatcher.close());

    let servers: IpcServers;
    try {
      servers = await startIpcServers({ config, dispatcher, logger, dataDir });
    } catch (error) {
      if (!(error instanceof IpcError)) throw error;
      writeError(io, { code: error.code, message: error.message.replace(/\.$/, '') });
      await closeAll();
      return ExitCode.usage;
    }
    resources.push(() => servers.close());

    // The in-process gateway (config-rpc.toml): the same store and dispatcher, no socket hop.
    const gateway = await startServeGateway({
      dataDir,
      dispatcher,
      store,
      logger,
      io,
      ledgerPath: config.backend.type === 'embedded' ? config.backend.ledger : undefined,
      metricsSources: [() => servers.metricsText()],
      config: rpcConfig,
    });
    if (gateway === null) {
      await closeAll();
      return ExitCode.usage;
    }
    resources.push(() => gateway.close());

    const addresses = servers.addresses();
    if (addresses.length === 0) {
      writeError(io, {
        code: IpcErrorCode.configInvalid,
        message: `no IPC transport is enabled in ${path.join(dataDir, 'config-node.toml')} ([node.ipc.tcp] or [node.ipc.local] enable = true); not starting`,
      });
      await closeAll();
      return ExitCode.usage;
    }
    for (const address of addresses) io.stdout.write(`${describeAddress(address)}\n`);
    io.stdout.write(`policy: ${accessPath} (reloads on change${io.handleSignals === true ? ' and SIGHUP' : ''})\n`);
    for (const line of gateway.describe()) io.stdout.write(`${line}\n`);

    // Run until asked to stop: the process's signal, or the `stop` action / ServiceStop "node".
    await new Promise<void>((resolve) => {
      const unsubscribe = dispatcher.onStop(() => resolve());
      resources.push(unsubscribe);
      void io.stopSignal?.then(() => resolve());
    });
    await closeAll();
    io.stdout.write('stopped\n');
    return ExitCode.ok;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function openBackend(
  config: NodeConfig,
  logger: ReturnType<typeof createLogger>,
): Promise<{ backend: Backend } | { error: string; code: string }> {
  const backend = config.backend;
  try {
    if (backend.type === 'node-rpc') {
      return {
        backend: createNodeRpcBackend({
          url: backend.url,
          timeoutMs: backend.timeout * 1000,
          maxResponseBytesInFlight: backend.maxResponseBytesInFlight,
          websocketUrl: backend.websocket,
          logger,
        }),
      };
    }
    return { backend: await createEmbeddedBackend({ ledgerPath: backend.ledger }) };
  } catch (error) {
    const err = error as { code?: unknown; message?: unknown };
    return {
      error: typeof err.message === 'string' ? err.message.replace(/\.$/, '') : String(error),
      code: typeof err.code === 'string' ? err.code : IpcErrorCode.configInvalid,
    };
  }
}

function describeAddress(address: IpcAddress): string {
  if (address.transport === 'tcp') {
    return `listening on tcp ${address.host}:${address.port}${address.accessCheck ? ' (access check on)' : ''}`;
  }
  return `listening on unix ${address.path} (mode ${address.mode.toString(8).padStart(4, '0')})`;
}
