import { ACCESS_POLICY_TABLE, accessPolicyConfigSchema } from '@nano-access/reloader';

/**
 * JSON Schema of config-node.toml (docs/wire.md), strict: unknown keys are errors.
 * Keys the reference node reads keep their names and defaults; the project's
 * extensions are marked.
 */
const transportCommon = {
  enable: { type: 'boolean' },
  io_timeout: { type: 'number', exclusiveMinimum: 0, maximum: 86400 },
  allow_unsafe: { type: 'boolean' },
  // Extension: this transport's own max_connections (default: [node.ipc] max_connections).
  max_connections: { type: 'integer', minimum: 1, maximum: 1000000 },
} as const;

export const nodeConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'config-node.toml (IPC server)',
  type: 'object',
  additionalProperties: false,
  properties: {
    node: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ipc: {
          type: 'object',
          additionalProperties: false,
          properties: {
            // Extensions: limits.
            max_frame_bytes: { type: 'integer', minimum: 1, maximum: 4294967295 },
            // Per transport: each of TCP and the unix socket may have this many open.
            max_connections: { type: 'integer', minimum: 1, maximum: 1000000 },
            max_services_per_connection: { type: 'integer', minimum: 1, maximum: 1000000 },
            // Server-wide byte budgets (both transports together).
            max_inflight_bytes: { type: 'integer', minimum: 2, maximum: 1099511627776 },
            max_queued_event_bytes: { type: 'integer', minimum: 1024, maximum: 1099511627776 },
            local: {
              type: 'object',
              additionalProperties: false,
              properties: {
                ...transportCommon,
                path: { type: 'string', minLength: 1 },
                // Extension: the socket file's mode, set at creation.
                mode: { type: 'string', pattern: '^0?[0-7]{3}$' },
              },
            },
            tcp: {
              type: 'object',
              additionalProperties: false,
              properties: {
                ...transportCommon,
                port: { type: 'integer', minimum: 0, maximum: 65535 },
                // Extensions: bind address, shared-secret access check.
                address: { type: 'string', minLength: 1 },
                access_check: { type: 'boolean' },
                access_file: { type: 'string' },
              },
            },
          },
        },
      },
    },
    // Extension: how `serve` reads config-access.toml.
    [ACCESS_POLICY_TABLE]: accessPolicyConfigSchema,
    // Extension: where answers come from.
    backend: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { enum: ['embedded', 'node-rpc'] },
        ledger: { type: 'string', minLength: 1 },
        url: { type: 'string', pattern: '^https?://' },
        timeout: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
        websocket: { type: 'string', pattern: '^wss?://' },
        // The most bytes of node answers held at once (node-rpc); at least 1 MiB, so a usual answer fits.
        max_response_bytes_in_flight: { type: 'integer', minimum: 1048576, maximum: 4294967296 },
      },
    },
  },
} as const;
