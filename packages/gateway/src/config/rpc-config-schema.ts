import { ACCESS_POLICY_TABLE, accessPolicyConfigSchema } from '@nano-access/reloader';
import { clientAddressesConfigSchema, metricsConfigSchema } from './address-config';
import { rateLimitConfigSchema } from './rate-limit-config';
import { websocketConfigSchema } from './websocket-config';

/**
 * JSON Schema of config-rpc.toml (docs/wire.md's keys plus this project's documented
 * extensions). Every key optional; any other key is an error with line:col.
 */
export const rpcConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'config-rpc.toml',
  type: 'object',
  additionalProperties: false,
  properties: {
    address: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    enable_control: { type: 'boolean' },
    max_json_depth: { type: 'integer', minimum: 1, maximum: 1000 },
    max_request_size: { type: 'integer', minimum: 1 },
    max_request_bytes_in_flight: { type: 'integer', minimum: 1, maximum: 4294967296 },
    // Seconds; a day at most keeps the milliseconds inside a Node timer.
    headers_timeout: { type: 'integer', minimum: 1, maximum: 86400 },
    request_timeout: { type: 'integer', minimum: 1, maximum: 86400 },
    keep_alive_timeout: { type: 'integer', minimum: 1, maximum: 86400 },
    max_connections: { type: 'integer', minimum: 1, maximum: 1000000 },
    legacy_denial_status: { type: 'integer', enum: [200, 403] },
    key_in_path: { type: 'boolean' },
    process: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ipc_address: { type: 'string', minLength: 1 },
        ipc_port: { type: 'integer', minimum: 1, maximum: 65535 },
        num_ipc_connections: { type: 'integer', minimum: 1, maximum: 256 },
        ipc_path: { type: 'string' },
        ipc_access_file: { type: 'string' },
        ipc_timeout: { type: 'integer', minimum: 1 },
        ipc_max_frame_bytes: { type: 'integer', minimum: 1, maximum: 4294967295 },
        io_threads: { type: 'integer', minimum: 0 },
      },
    },
    logging: {
      type: 'object',
      additionalProperties: false,
      properties: { log_rpc: { type: 'boolean' } },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enable: { type: 'boolean' },
        cert: { type: 'string' },
        key: { type: 'string' },
      },
    },
    // Extension: how the access file is read (the same table as config-node.toml's).
    [ACCESS_POLICY_TABLE]: accessPolicyConfigSchema,
    metrics: metricsConfigSchema,
    client_addresses: clientAddressesConfigSchema,
    legacy_get: { type: 'boolean' },
    response_caps: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enable: { type: 'boolean' },
        mode: { type: 'string', enum: ['clamp', 'refuse'] },
        max_count: { type: 'integer', minimum: 1, maximum: 1000000000 },
        max_accounts: { type: 'integer', minimum: 1, maximum: 1000000000 },
        max_hashes: { type: 'integer', minimum: 1, maximum: 1000000000 },
        // Action names are checked against protocol's table after the schema (with their position).
        count: { type: 'object', additionalProperties: { type: 'integer', minimum: 1, maximum: 1000000000 } },
      },
    },
    websocket: websocketConfigSchema,
    rate_limit: rateLimitConfigSchema,
    cache: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enable: { type: 'boolean' },
        max_entries: { type: 'integer', minimum: 1, maximum: 10000000 },
        max_bytes: { type: 'integer', minimum: 1, maximum: 4294967296 },
        // Seconds; fractions allowed. Action names are checked against protocol's allow-list.
        ttl: { type: 'object', additionalProperties: { type: 'number', exclusiveMinimum: 0, maximum: 86400 } },
      },
    },
  },
} as const;
