import { DEFAULT_MAX_FILE_BYTES, DEFAULT_READ_TIMEOUT_MS, MAX_FILE_BYTES_CEILING } from './read-access-file';

/** The name of the table, in config-node.toml (`serve`) and config-rpc.toml (`gateway`). */
export const ACCESS_POLICY_TABLE = 'access_policy';

/**
 * JSON Schema of the `[access_policy]` table: how a server reads config-access.toml. One schema
 * for both servers' config files, so the keys are the same wherever they are written.
 */
export const accessPolicyConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Bytes; V8's longest string is the ceiling (the text must fit in one).
    max_file_bytes: { type: 'integer', minimum: 1, maximum: MAX_FILE_BYTES_CEILING },
    // Seconds.
    read_timeout: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
    allow_insecure_permissions: { type: 'boolean' },
  },
} as const;

/** The table's values, every default filled in, as PolicyStore.open takes them. */
export interface AccessPolicySettings {
  maxFileBytes: number;
  readTimeoutMs: number;
  allowInsecurePermissions: boolean;
}

export const defaultAccessPolicySettings: Readonly<AccessPolicySettings> = Object.freeze({
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  readTimeoutMs: DEFAULT_READ_TIMEOUT_MS,
  allowInsecurePermissions: false,
});

/** The settings of a table that accessPolicyConfigSchema validated (absent: every default). */
export function accessPolicySettings(table: unknown): AccessPolicySettings {
  const raw = (typeof table === 'object' && table !== null ? table : {}) as {
    max_file_bytes?: number;
    read_timeout?: number;
    allow_insecure_permissions?: boolean;
  };
  return {
    maxFileBytes: raw.max_file_bytes ?? defaultAccessPolicySettings.maxFileBytes,
    readTimeoutMs:
      raw.read_timeout === undefined ? defaultAccessPolicySettings.readTimeoutMs : Math.round(raw.read_timeout * 1000),
    allowInsecurePermissions: raw.allow_insecure_permissions ?? defaultAccessPolicySettings.allowInsecurePermissions,
  };
}
