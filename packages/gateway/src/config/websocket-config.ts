import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '@nano-access/parser';
import type { RpcConfig } from './rpc-config';

type Locate = (path: readonly (string | number)[], part?: 'key' | 'value') => Diagnostic['span'];

/** config-rpc.toml's `[websocket]` table as the schema accepted it. */
export interface RawWebSocketConfig {
  websocket?: {
    enable?: boolean;
    max_sockets?: number;
    max_message_bytes?: number;
    max_buffered_bytes?: number;
    max_total_buffered_bytes?: number;
    allowed_origins?: string[];
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
    max_total_buffered_bytes: { type: 'integer', minimum: 1024, maximum: 68719476736 },
    allowed_origins: { type: 'array', items: { type: 'string', minLength: 1 } },
    // Seconds; fractions allowed.
    credentials_timeout: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
    upstream_credentials_file: { type: 'string' },
  },
} as const;

/**
 * Fills in config.websocket from the table; a relative credentials file resolves against baseDir.
 * Reports, at its line and column, an allowed origin that is not `*` or a serialized origin
 * (`scheme://host[:port]`), and a total buffer budget smaller than one socket's.
 */
export function readWebSocketConfig(
  raw: RawWebSocketConfig,
  config: RpcConfig,
  baseDir: string,
  locate: Locate,
  file: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const table = raw.websocket ?? {};
  const defaults = config.websocket;
  const credentialsFile = table.upstream_credentials_file ?? '';
  config.websocket = {
    enable: table.enable ?? defaults.enable,
    maxSockets: table.max_sockets ?? defaults.maxSockets,
    maxMessageBytes: table.max_message_bytes ?? defaults.maxMessageBytes,
    maxBufferedBytes: table.max_buffered_bytes ?? defaults.maxBufferedBytes,
    maxTotalBufferedBytes: table.max_total_buffered_bytes ?? defaults.maxTotalBufferedBytes,
    allowedOrigins: (table.allowed_origins ?? defaults.allowedOrigins).map((origin) => origin.toLowerCase()),
    credentialsTimeout: table.credentials_timeout ?? defaults.credentialsTimeout,
    upstreamCredentialsFile:
      credentialsFile === '' ? '' : isAbsolute(credentialsFile) ? credentialsFile : resolve(baseDir, credentialsFile),
  };
  for (const [index, origin] of config.websocket.allowedOrigins.entries()) {
    if (origin === '*' || serializedOrigin(origin) === origin) continue;
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `[websocket] allowed_origins: "${origin}" is not an origin: write "*" or scheme://host[:port] as a browser sends it (e.g. "https://wallet.example"), without a path or a trailing slash.`,
      messageId: 'invalidOrigin',
      file,
      span: locate(['websocket', 'allowed_origins', index]),
    });
  }
  if (config.websocket.maxTotalBufferedBytes < config.websocket.maxBufferedBytes) {
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `[websocket] max_total_buffered_bytes (${config.websocket.maxTotalBufferedBytes}) must be at least max_buffered_bytes (${config.websocket.maxBufferedBytes}).`,
      messageId: 'totalBufferUnderSocketBuffer',
      file,
      span: locate(
        ['websocket', table.max_total_buffered_bytes !== undefined ? 'max_total_buffered_bytes' : 'max_buffered_bytes'],
        'key',
      ),
    });
  }
  return diagnostics;
}

/** The origin a browser would send for this text (lower case), or null when it is not an http(s) or ws(s) origin. */
function serializedOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!['http:', 'https:'].includes(url.protocol)) return null;
  return url.origin;
}
