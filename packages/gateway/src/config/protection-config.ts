import type { Diagnostic } from '@nano-access/parser';
import { CACHEABLE_ACTIONS, COUNT_PARAMETER_ACTIONS } from '@nano-access/protocol';
import type { RpcConfig } from './rpc-config';

type Span = Diagnostic['span'];

/** config-rpc.toml's protection tables as the schema accepted them. */
export interface RawProtectionConfig {
  legacy_get?: boolean;
  response_caps?: {
    enable?: boolean;
    mode?: 'clamp' | 'refuse';
    max_count?: number;
    max_accounts?: number;
    max_hashes?: number;
    count?: Record<string, number>;
  };
  cache?: { enable?: boolean; max_entries?: number; max_bytes?: number; ttl?: Record<string, number> };
}

/**
 * Fills in `legacy_get`, `[response_caps]` and `[cache]`, and reports what the schema cannot
 * know: a capped action that has no count parameter, and a cached action that is not on the
 * allow-list (its answer may depend on the caller or a wallet, or it is not read-only). Those
 * are errors at the action's key: the gateway never caches what it was not built to share.
 */
export function readProtectionConfig(
  raw: RawProtectionConfig,
  config: RpcConfig,
  locate: (path: readonly string[], part: 'key' | 'value') => Span,
  file: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  config.legacyGet = raw.legacy_get ?? config.legacyGet;

  const caps = raw.response_caps ?? {};
  const capsConfig = config.responseCaps;
  config.responseCaps = {
    enable: caps.enable ?? capsConfig.enable,
    mode: caps.mode ?? capsConfig.mode,
    maxCount: caps.max_count ?? capsConfig.maxCount,
    maxAccounts: caps.max_accounts ?? capsConfig.maxAccounts,
    maxHashes: caps.max_hashes ?? capsConfig.maxHashes,
    countByAction: {},
  };
  for (const [action, cap] of Object.entries(caps.count ?? {})) {
    if (COUNT_PARAMETER_ACTIONS.has(action)) {
      config.responseCaps.countByAction[action] = cap;
      continue;
    }
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `[response_caps.count] "${action}" has no count parameter to cap; actions with one: ${[...COUNT_PARAMETER_ACTIONS.keys()].join(', ')}.`,
      messageId: 'notCappable',
      file,
      span: locate(['response_caps', 'count', action], 'key'),
    });
  }

  const cache = raw.cache ?? {};
  const cacheConfig = config.cache;
  config.cache = {
    enable: cache.enable ?? cacheConfig.enable,
    maxEntries: cache.max_entries ?? cacheConfig.maxEntries,
    maxBytes: cache.max_bytes ?? cacheConfig.maxBytes,
    ttl: {},
  };
  for (const [action, seconds] of Object.entries(cache.ttl ?? {})) {
    if (CACHEABLE_ACTIONS.has(action)) {
      config.cache.ttl[action] = seconds;
      continue;
    }
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `[cache.ttl] "${action}" cannot be cached: only read-only actions whose answer depends on nothing but their parameters (never on the caller or a wallet) are; those are: ${[...CACHEABLE_ACTIONS.keys()].join(', ')}.`,
      messageId: 'notCacheable',
      file,
      span: locate(['cache', 'ttl', action], 'key'),
    });
  }
  if (config.cache.enable && Object.keys(config.cache.ttl).length === 0) {
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'warning',
      message: '[cache] enable = true, but no action has a TTL in [cache.ttl]: nothing is cached.',
      messageId: 'cacheWithoutActions',
      file,
      span: locate(['cache', 'enable'], 'key'),
    });
  }
  return diagnostics;
}
