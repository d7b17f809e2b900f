import type { Diagnostic } from '@nano-access/parser';
import { parseCidr } from '../http/ip-address';
import type { RpcConfig } from './rpc-config';

type Locate = (path: readonly (string | number)[], part?: 'key' | 'value') => Diagnostic['span'];

/** config-rpc.toml's address keys as the schema accepted them. */
export interface RawAddressConfig {
  client_addresses?: { allow?: string[]; deny?: string[]; trust_proxy?: string[] };
  metrics?: { allow?: string[]; allowed_hosts?: string[] };
}

const addressList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

/** JSON Schema of `[client_addresses]` (merged into rpcConfigSchema). */
export const clientAddressesConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { allow: addressList, deny: addressList, trust_proxy: addressList },
} as const;

/** JSON Schema of `[metrics]` (merged into rpcConfigSchema). */
export const metricsConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { allow: addressList, allowed_hosts: addressList },
} as const;

/**
 * Fills in `[client_addresses]` and `[metrics]`, and reports each entry that is not an address
 * or a CIDR block (or, in `allowed_hosts`, not a host name) at its own line and column.
 */
export function readAddressConfig(
  raw: RawAddressConfig,
  config: RpcConfig,
  locate: Locate,
  file: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const table = raw.client_addresses ?? {};
  config.clientAddresses = {
    allow: [...(table.allow ?? [])],
    deny: [...(table.deny ?? [])],
    trustProxy: [...(table.trust_proxy ?? [])],
  };
  if (raw.metrics?.allow) config.metrics.allow = [...raw.metrics.allow];
  if (raw.metrics?.allowed_hosts) config.metrics.allowedHosts = raw.metrics.allowed_hosts.map((h) => h.toLowerCase());

  const lists: Array<[string, string, readonly string[]]> = [
    ['client_addresses', 'allow', config.clientAddresses.allow],
    ['client_addresses', 'deny', config.clientAddresses.deny],
    ['client_addresses', 'trust_proxy', config.clientAddresses.trustProxy],
    ['metrics', 'allow', config.metrics.allow],
  ];
  for (const [tableName, key, entries] of lists) {
    for (const [index, entry] of entries.entries()) {
      if (parseCidr(entry) !== null) continue;
      diagnostics.push({
        ruleId: 'invalid-value',
        severity: 'error',
        message: `[${tableName}] ${key}: "${entry}" is not an IP address or CIDR block (e.g. "192.0.2.7", "10.0.0.0/8", "2001:db8::/32").`,
        messageId: 'invalidAddress',
        file,
        span: locate([tableName, key, index]),
      });
    }
  }
  for (const [index, host] of config.metrics.allowedHosts.entries()) {
    if (HOST_NAME.test(host)) continue;
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `[metrics] allowed_hosts: "${host}" is not a host name (a DNS name without scheme, port or path, e.g. "metrics.example.net").`,
      messageId: 'invalidHost',
      file,
      span: locate(['metrics', 'allowed_hosts', index]),
    });
  }
  return diagnostics;
}

/** A DNS name: dot-separated labels of letters, digits and hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;
