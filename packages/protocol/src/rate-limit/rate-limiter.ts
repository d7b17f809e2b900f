import { family } from '@nano-access/metrics';
import { nanoPermissionNames, type Policy } from '@nano-access/resolver';
import type { MergedCredentials } from '../credentials';
import { BucketTable } from './bucket-table';
import { addressBucketKey } from './client-address';
import { refill, secondsUntilToken, type BucketRate, type TokenBucket } from './token-bucket';

/** A tier: the users who hold `permission` (through any role, group or allow) get this rate. */
export interface RateLimitTier extends BucketRate {
  permission: string;
}

/** What the limiter enforces (config-rpc.toml's [rate_limit], read by the gateway). */
export interface RateLimitSettings {
  /** In file order: a known user gets the first tier whose permission the policy grants them. */
  tiers: readonly RateLimitTier[];
  /**
   * The default user and unknown (or conflicting) credentials, one bucket per client address
   * (IPv6: per /64). A known user who holds no tier's permission gets this rate too, in a bucket
   * of their own.
   */
  defaultUser: BucketRate;
  /** All requests together, whoever sends them; absent: no ceiling. */
  global?: BucketRate;
  /** Buckets held at most in each table (users, addresses); the least recently used go first. */
  maxBuckets: number;
}

export interface RateLimiterOptions {
  /** Milliseconds from any fixed origin, never going back (tests inject theirs); performance.now by default. */
  clock?: () => number;
}

/** Which bucket refused a request. */
export type RateLimitScope = 'user' | 'address' | 'global';

export interface RateLimitStats {
  admitted: number;
  refused: Record<RateLimitScope, number>;
  buckets: { user: number; address: number };
  evictions: { user: number; address: number };
  maxBuckets: number;
}

/** A user's bucket remembers the policy its rate was derived from: a reload re-derives it on the next request. */
interface UserBucket extends TokenBucket {
  policy: Policy;
  limit: BucketRate;
}

/** The caller is not a user of the policy (default user, unknown or conflicting credentials). */
const NOT_A_USER = -2;
/** A known user who holds no tier's permission. */
const NO_TIER = -1;

/**
 * Token buckets in front of the dispatcher: one per known user (by id), one per client address
 * for everyone else, and one global ceiling. Pure (time comes from the clock), shared by every
 * transport of a process, and independent of the policy's lifetime: a reload keeps every bucket
 * and re-derives a user's tier on their next request.
 */
export class RateLimiter {
  private readonly settings: RateLimitSettings;
  private readonly clock: () => number;
  private readonly users: BucketTable<UserBucket>;
  private readonly addresses: BucketTable<TokenBucket>;
  private readonly globalBucket: TokenBucket | undefined;
  /** The tiers' permissions prepared for the policy they were last checked against. */
  private preparedPolicy: Policy | undefined;
  private preparedTierIds: number[] = [];
  private admitted = 0;
  private readonly refused: Record<RateLimitScope, number> = { user: 0, address: 0, global: 0 };

  constructor(settings: RateLimitSettings, options: RateLimiterOptions = {}) {
    for (const limit of [settings.defaultUser, ...settings.tiers, ...(settings.global ? [settings.global] : [])]) {
      if (!(limit.rate > 0) || !(limit.burst >= 1)) throw new RangeError('a rate must be > 0 and a burst ≥ 1');
    }
    this.settings = settings;
    this.clock = options.clock ?? (() => performance.now());
    this.users = new BucketTable(settings.maxBuckets);
    this.addresses = new BucketTable(settings.maxBuckets);
    const now = this.clock();
    this.globalBucket = settings.global === undefined ? undefined : { tokens: settings.global.burst, stamp: now };
  }

  /**
   * Takes a token for one request of `caller` (merged credentials) from `clientAddress`: 0 when
   * admitted, else the whole seconds (≥ 1) until a retry may pass, and nothing is taken. The
   * global ceiling is taken from only when the caller's own bucket admits the request, so a
   * refused client never uses up everyone's share. Never throws.
   */
  admit(policy: Policy, caller: MergedCredentials, clientAddress: string | undefined): number {
    const now = this.clock();
    let bucket: TokenBucket | undefined;
    let limit = this.settings.defaultUser;
    let scope: RateLimitScope = 'address';
    if (typeof caller === 'string' && caller !== '') {
      const held = this.users.touch(caller);
      if (held !== undefined && held.policy === policy) {
        bucket = held;
        limit = held.limit;
        scope = 'user';
      } else {
        const tier = this.userTier(policy, caller);
        if (tier !== NOT_A_USER) {
          limit = tier === NO_TIER ? this.settings.defaultUser : this.settings.tiers[tier];
          scope = 'user';
          if (held !== undefined) {
            held.policy = policy;
            held.limit = limit;
            bucket = held;
          } else {
            const fresh: UserBucket = { tokens: limit.burst, stamp: now, policy, limit };
            this.users.add(caller, fresh);
            bucket = fresh;
          }
        }
      }
    }
    if (bucket === undefined) {
      const key = addressBucketKey(clientAddress);
      bucket = this.addresses.touch(key);
      if (bucket === undefined) {
        bucket = { tokens: limit.burst, stamp: now };
        this.addresses.add(key, bucket);
      }
    }
    const tokens = refill(bucket, limit, now);
    if (tokens < 1) {
      this.refused[scope]++;
      return secondsUntilToken(tokens, limit);
    }
    const global = this.globalBucket;
    if (global !== undefined) {
      const ceiling = this.settings.global!;
      const shared = refill(global, ceiling, now);
      if (shared < 1) {
        this.refused.global++;
        return secondsUntilToken(shared, ceiling);
      }
      global.tokens = shared - 1;
    }
    bucket.tokens = tokens - 1;
    this.admitted++;
    return 0;
  }

  stats(): RateLimitStats {
    return {
      admitted: this.admitted,
      refused: { ...this.refused },
      buckets: { user: this.users.size, address: this.addresses.size },
      evictions: { user: this.users.evictions, address: this.addresses.evictions },
      maxBuckets: this.settings.maxBuckets,
    };
  }

  /** The counters in Prometheus text format (metric names start with `prefix`). */
  metricsText(prefix = 'nano_access_rate_limit'): string {
    const s = this.stats();
    const scopes: RateLimitScope[] = ['user', 'address', 'global'];
    const tables = ['user', 'address'] as const;
    return (
      family(`${prefix}_admitted_total`, 'counter', 'Requests the rate limiter let through.', [{ value: s.admitted }]) +
      family(
        `${prefix}_refused_total`,
        'counter',
        'Requests refused by the rate limiter, by the bucket that refused them.',
        scopes.map((scope) => ({ labels: { scope }, value: s.refused[scope] })),
      ) +
      family(
        `${prefix}_buckets`,
        'gauge',
        'Buckets held, by table (users by id, other callers by address).',
        tables.map((table) => ({ labels: { table }, value: s.buckets[table] })),
      ) +
      family(`${prefix}_buckets_max`, 'gauge', 'Buckets each table holds at most (max_buckets).', [
        { value: s.maxBuckets },
      ]) +
      family(
        `${prefix}_evictions_total`,
        'counter',
        'Least recently used buckets forgotten to make room, by table.',
        tables.map((table) => ({ labels: { table }, value: s.evictions[table] })),
      )
    );
  }

  /**
   * The index of the first tier whose permission the policy grants `id` (permissions only, never
   * roles), NO_TIER for a user who holds none, NOT_A_USER for credentials the policy does not
   * know (or the default user's). A policy that throws is treated as not knowing the caller.
   */
  private userTier(policy: Policy, id: string): number {
    try {
      if (policy.decide(id, null).user.kind !== 'user') return NOT_A_USER;
      if (this.preparedPolicy !== policy) {
        this.preparedTierIds = this.settings.tiers.map((tier) => policy.permissionId(tier.permission));
        this.preparedPolicy = policy;
      }
      const ids = this.preparedTierIds;
      for (let index = 0; index < ids.length; index++) if (policy.checkId(id, ids[index])) return index;
      return NO_TIER;
    } catch {
      return NOT_A_USER;
    }
  }
}

/** The permission names a tier may name: the Nano catalog's (a tier naming any other is a configuration error). */
export const TIER_PERMISSIONS: ReadonlySet<string> = new Set<string>(nanoPermissionNames);
