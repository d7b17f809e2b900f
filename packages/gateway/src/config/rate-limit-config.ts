import { suggest, type Diagnostic } from '@nano-access/parser';
import { RateLimiter, TIER_PERMISSIONS, type RateLimitSettings } from '@nano-access/protocol';
import type { RpcConfig } from './rpc-config';

type Span = Diagnostic['span'];

/** Buckets per table by default: about 16 MiB for both tables full (docs/gateway.md, "Rate limits"). */
export const DEFAULT_MAX_BUCKETS = 100_000;

/** config-rpc.toml's `[rate_limit]` table as the schema accepted it. */
export interface RawRateLimitConfig {
  rate_limit?: {
    enable?: boolean;
    max_buckets?: number;
    default?: { rate: number; burst: number };
    global?: { rate: number; burst: number };
    tier?: Array<{ permission: string; rate: number; burst: number }>;
  };
}

/** A rate and a burst: requests per second (fractions allowed) and the most a full bucket holds. */
const bucketRateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rate', 'burst'],
  properties: {
    rate: { type: 'number', exclusiveMinimum: 0, maximum: 1000000 },
    burst: { type: 'integer', minimum: 1, maximum: 1000000000 },
  },
} as const;

/** JSON Schema of `[rate_limit]` (merged into rpcConfigSchema). */
export const rateLimitConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enable: { type: 'boolean' },
    max_buckets: { type: 'integer', minimum: 1, maximum: 10000000 },
    default: bucketRateSchema,
    global: bucketRateSchema,
    // Permission names are checked against the catalog after the schema (with their position).
    tier: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['permission', 'rate', 'burst'],
        properties: { permission: { type: 'string', minLength: 1 }, ...bucketRateSchema.properties },
      },
    },
  },
} as const;

/**
 * Fills in config.rateLimit from `[rate_limit]`: null unless `enable = true`. Reports what the
 * schema cannot know, as errors (the gateway does not start: a limit that does not mean what the
 * operator wrote must not run): a tier naming a permission the catalog does not have (it would
 * never match, silently), and `enable` without `[rate_limit.default]` (the public would be unlimited).
 */
export function readRateLimitConfig(
  raw: RawRateLimitConfig,
  config: RpcConfig,
  locate: (path: readonly (string | number)[], part: 'key' | 'value') => Span,
  file: string,
): Diagnostic[] {
  const table = raw.rate_limit;
  config.rateLimit = null;
  if (table === undefined) return [];
  const diagnostics: Diagnostic[] = [];
  const tiers = table.tier ?? [];
  for (const [index, tier] of tiers.entries()) {
    if (TIER_PERMISSIONS.has(tier.permission)) continue;
    const near = suggest(tier.permission, TIER_PERMISSIONS);
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message: `[[rate_limit.tier]] permission "${tier.permission}" is not a permission of the catalog.${near === undefined ? '' : ` Did you mean "${near}"?`} Tiers name permissions, never roles.`,
      messageId: 'unknownTierPermission',
      file,
      span: locate(['rate_limit', 'tier', index, 'permission'], 'value'),
    });
  }
  if (table.enable !== true) return diagnostics;
  if (table.default === undefined) {
    diagnostics.push({
      ruleId: 'invalid-value',
      severity: 'error',
      message:
        '[rate_limit] enable = true needs [rate_limit.default] (rate and burst of the default user and unknown credentials, per client address).',
      messageId: 'rateLimitWithoutDefault',
      file,
      span: locate(['rate_limit', 'enable'], 'key'),
    });
    return diagnostics;
  }
  config.rateLimit = {
    tiers: tiers.map((tier) => ({ permission: tier.permission, rate: tier.rate, burst: tier.burst })),
    defaultUser: { rate: table.default.rate, burst: table.default.burst },
    ...(table.global === undefined ? {} : { global: { rate: table.global.rate, burst: table.global.burst } }),
    maxBuckets: table.max_buckets ?? DEFAULT_MAX_BUCKETS,
  };
  return diagnostics;
}

/** The limiter of a configuration ([rate_limit]), or undefined when rate limits are off. */
export function createRateLimiter(
  settings: RateLimitSettings | null,
  options?: { clock?: () => number },
): RateLimiter | undefined {
  return settings === null ? undefined : new RateLimiter(settings, options);
}
