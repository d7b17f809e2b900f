import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseTomlConfig, sortDiagnostics, type Diagnostic } from '@nano-access/parser';
import { accessPolicySettings } from '@nano-access/reloader';
import { readAddressConfig, type RawAddressConfig } from './address-config';
import { defaultRpcConfig, type RpcConfig } from './rpc-config';
import { rpcConfigSchema } from './rpc-config-schema';
import { readProtectionConfig, type RawProtectionConfig } from './protection-config';
import { readRateLimitConfig, type RawRateLimitConfig } from './rate-limit-config';
import { readWebSocketConfig, type RawWebSocketConfig } from './websocket-config';

export const RPC_CONFIG_FILE = 'config-rpc.toml';

export interface RpcConfigResult {
  /** null when any diagnostic is an error: the gateway must not start. */
  config: RpcConfig | null;
  diagnostics: Diagnostic[];
}

/** Reads `<dataDir>/config-rpc.toml`. A missing file means all defaults. Never throws on bad input. */
export function loadRpcConfig(dataDir: string): RpcConfigResult {
  const file = join(dataDir, RPC_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: defaultRpcConfig(), diagnostics: [] };
    return {
      config: null,
      diagnostics: [fileDiagnostic(file, `Cannot read ${RPC_CONFIG_FILE}: ${(error as Error).message}.`, 'unreadable')],
    };
  }
  return parseRpcConfig(text, { file, baseDir: dataDir });
}

/** Parses config-rpc.toml text; relative TLS and IPC file paths resolve against baseDir. */
export function parseRpcConfig(text: string, options: { file: string; baseDir: string }): RpcConfigResult {
  const { file, baseDir } = options;
  const parsed = parseTomlConfig(text, { file, schema: rpcConfigSchema });
  const diagnostics = [...parsed.diagnostics];
  const raw = parsed.value as RawRpcConfig | null | undefined;
  if (!raw || diagnostics.some((d) => d.severity === 'error')) return { config: null, diagnostics };

  const config = defaultRpcConfig();
  config.address = raw.address ?? config.address;
  config.port = raw.port ?? config.port;
  config.enableControl = raw.enable_control ?? config.enableControl;
  config.maxJsonDepth = raw.max_json_depth ?? config.maxJsonDepth;
  config.maxRequestSize = raw.max_request_size ?? config.maxRequestSize;
  config.maxRequestBytesInFlight = raw.max_request_bytes_in_flight ?? config.maxRequestBytesInFlight;
  config.headersTimeout = raw.headers_timeout ?? config.headersTimeout;
  config.requestTimeout = raw.request_timeout ?? config.requestTimeout;
  config.keepAliveTimeout = raw.keep_alive_timeout ?? config.keepAliveTimeout;
  config.maxConnections = raw.max_connections ?? config.maxConnections;
  config.legacyDenialStatus = raw.legacy_denial_status ?? config.legacyDenialStatus;
  config.keyInPath = raw.key_in_path ?? config.keyInPath;
  const p = raw.process ?? {};
  config.process = {
    ipcAddress: p.ipc_address ?? config.process.ipcAddress,
    ipcPort: p.ipc_port ?? config.process.ipcPort,
    numIpcConnections: p.num_ipc_connections ?? config.process.numIpcConnections,
    ipcPath: p.ipc_path ? resolvePath(baseDir, p.ipc_path) : '',
    ipcAccessFile: p.ipc_access_file ? resolvePath(baseDir, p.ipc_access_file) : '',
    ipcTimeout: p.ipc_timeout ?? config.process.ipcTimeout,
    ipcMaxFrameBytes: p.ipc_max_frame_bytes ?? config.process.ipcMaxFrameBytes,
    ioThreads: p.io_threads ?? config.process.ioThreads,
  };
  config.logging.logRpc = raw.logging?.log_rpc ?? config.logging.logRpc;
  const tls = raw.tls ?? {};
  config.tls = {
    enable: tls.enable ?? false,
    cert: tls.cert ? resolvePath(baseDir, tls.cert) : '',
    key: tls.key ? resolvePath(baseDir, tls.key) : '',
  };
  config.accessPolicy = raw.access_policy === undefined ? null : accessPolicySettings(raw.access_policy);
  diagnostics.push(...readProtectionConfig(raw, config, parsed.locate, file));
  diagnostics.push(...readAddressConfig(raw, config, parsed.locate, file));
  diagnostics.push(...readWebSocketConfig(raw, config, baseDir, parsed.locate, file));
  diagnostics.push(...readRateLimitConfig(raw, config, parsed.locate, file));

  // node:http refuses a server whose headers may take longer than the whole request.
  if (config.headersTimeout > config.requestTimeout) {
    const key = raw.headers_timeout !== undefined ? 'headers_timeout' : 'request_timeout';
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `headers_timeout (${config.headersTimeout} s) must not exceed request_timeout (${config.requestTimeout} s).`,
      messageId: 'headersTimeoutOverRequestTimeout',
      file,
      span: parsed.locate([key], 'key'),
    });
  }
  // A budget smaller than one body would refuse every body between the two sizes, whatever the load.
  if (config.maxRequestBytesInFlight < config.maxRequestSize) {
    const key = raw.max_request_bytes_in_flight !== undefined ? 'max_request_bytes_in_flight' : 'max_request_size';
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `max_request_bytes_in_flight (${config.maxRequestBytesInFlight}) must be at least max_request_size (${config.maxRequestSize}).`,
      messageId: 'bodyBudgetUnderRequestSize',
      file,
      span: parsed.locate([key], 'key'),
    });
  }
  if (config.tls.enable) {
    for (const key of ['cert', 'key'] as const) {
      if (!config.tls[key]) {
        diagnostics.push({
          ruleId: 'invalid-value',
          severity: 'error',
          message: `[tls] enable = true needs "${key}" (a PEM file path).`,
          messageId: 'tlsMissingFile',
          file,
          span: parsed.locate(['tls', 'enable'], 'key'),
        });
      }
    }
  }
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { config: failed ? null : config, diagnostics: sortDiagnostics(diagnostics) };
}

interface RawRpcConfig extends RawProtectionConfig, RawWebSocketConfig, RawAddressConfig, RawRateLimitConfig {
  address?: string;
  port?: number;
  enable_control?: boolean;
  max_json_depth?: number;
  max_request_size?: number;
  max_request_bytes_in_flight?: number;
  headers_timeout?: number;
  request_timeout?: number;
  keep_alive_timeout?: number;
  max_connections?: number;
  legacy_denial_status?: 200 | 403;
  key_in_path?: boolean;
  process?: {
    ipc_address?: string;
    ipc_port?: number;
    num_ipc_connections?: number;
    ipc_path?: string;
    ipc_access_file?: string;
    ipc_timeout?: number;
    ipc_max_frame_bytes?: number;
    io_threads?: number;
  };
  logging?: { log_rpc?: boolean };
  tls?: { enable?: boolean; cert?: string; key?: string };
  access_policy?: unknown;
}

function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function fileDiagnostic(file: string, message: string, messageId: string): Diagnostic {
  const origin = { line: 1, column: 1, offset: 0 };
  return {
    ruleId: 'unreadable-file',
    severity: 'error',
    message,
    messageId,
    file,
    span: { start: origin, end: origin },
    fatal: true,
  };
}
