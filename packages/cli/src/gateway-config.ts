import * as path from 'node:path';
import {
  GatewayErrorCode,
  loadRpcConfig,
  RPC_CONFIG_FILE,
  type GatewayError,
  type RpcConfig,
} from '@nano-access/gateway';
import type { CliIO } from './io';
import { writeDiagnostics, writeError } from './load';

/** config-rpc.toml of the data directory, for `gateway` and `serve`; diagnostics written, null on errors. */
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

/** Writes why a gateway could not start (listen failed, TLS unusable …) with its code. */
export function writeGatewayNotStarting(io: CliIO, error: GatewayError): void {
  writeError(io, { code: error.code, message: `${error.message.replace(/\.$/, '')}; not starting` });
}
