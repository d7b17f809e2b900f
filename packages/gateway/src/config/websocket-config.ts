import { isAbsolute, resolve } from 'node:path';
import type { RpcConfig } from './rpc-config';

/** config-rpc.toml's `[websocket]` table as the schema accepted it. */
export interface RawWebSocketConfig {
  websocket?: {
    enable?: boolean;
    max_sockets?: number;
    max_message_bytes?: number;
    max_buffered_bytes?: number;
    credentials_timeout?: number;
    upstream_credentials_file?: string;
  };
}

/** JSON Schema of `[websocket]` (merged into rpcConfigSchema). */
export const websocketConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enable: { type: 'boolean' },
    max_sockets: { type: 'integer', minimum: 1, maximum: 1000000 },
    max_message_bytes: { type: 'integer', minimum: 1024, maximum: 16777216 },
    max_buffered_bytes: { type: 'integer', minimum: 1024, maximum: 4294967296 },
    // Seconds; fractions allowed.
    credentials_timeout: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
    upstream_credentials_file: { type: 'string' },
  },
} as const;

/** Fills in config.websocket from the table; a relative credentials file resolves against baseDir. */
export function readWebSocketConfig(raw: RawWebSocketConfig, config: RpcConfig, baseDir: string): void {
  const table = raw.websocket ?? {};
  const defaults = config.websocket;
  const file = table.upstream_credentials_file ?? '';
  config.websocket = {
    enable: table.enable ?? defaults.enable,
    maxSockets: table.max_sockets ?? defaults.maxSockets,
    maxMessageBytes: table.max_message_bytes ?? defaults.maxMessageBytes,
    maxBufferedBytes: table.max_buffered_bytes ?? defaults.maxBufferedBytes,
    credentialsTimeout: table.credentials_timeout ?? defaults.credentialsTimeout,
    upstreamCredentialsFile: file === '' ? '' : isAbsolute(file) ? file : resolve(baseDir, file),
  };
}
