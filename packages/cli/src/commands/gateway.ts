import * as path from 'node:path';
import type { Command } from 'commander';
import { GatewayError, startStandaloneGateway } from '@nano-access/gateway';
import { DEFAULT_ACCESS_FILE } from '@nano-access/parser';
import { createLogger } from '@nano-access/reloader';
import { readGatewayConfig, writeGatewayNotStarting } from '../gateway-config';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { openPolicyStore } from '../open-store';

interface GatewayCommandOptions {
  data: string;
}

/**
 * `nano-access gateway --data DIR`: the HTTP RPC gateway alone, in front of an
 * IPC server that runs elsewhere ([process] of config-rpc.toml), with its own
 * hot-reloaded policy for legacy actions. Runs until stopSignal; exit 2 when it
 * cannot start (a bad config, an access file with errors or that others can
 * change: openPolicyStore, the servers' one reading of the file).
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
    writeGatewayNotStarting(io, error);
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
