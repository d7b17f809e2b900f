/** How fast a bucket fills and how much it holds. */
export interface BucketRate {
  /** Tokens added per second (requests per second, sustained); fractions allowed. */
  rate: number;
  /** Tokens a full bucket holds (the largest burst); at least 1. */
  burst: number;
}

/**
 * One token bucket: `tokens` as of `stamp` (the clock's milliseconds). A request takes one token;
 * time adds `rate` a second, up to `burst`. Mutable, so a refused or admitted request allocates
 * nothing.
 */
export interface TokenBucket {
  tokens: number;
  stamp: number;
}

/** A full bucket as of `now`: what a client the limiter has never seen (or has forgotten) gets. */
export function fullBucket(limit: BucketRate, now: number): TokenBucket {
  return { tokens: limit.burst, stamp: now };
}

/**
 * Adds the tokens earned since the bucket's stamp (never past `burst`) and moves the stamp to
 * `now`. A clock that went backwards earns nothing. Returns the tokens now held.
 */
export function refill(bucket: TokenBucket, limit: BucketRate, now: number): number {
  const elapsed = now - bucket.stamp;
  if (elapsed > 0) {
    const tokens = bucket.tokens + (elapsed * limit.rate) / 1000;
    bucket.tokens = tokens < limit.burst ? tokens : limit.burst;
    bucket.stamp = now;
  } else if (bucket.tokens > limit.burst) {
    // The limit shrank (a user moved to a lower tier): never hold more than the new burst.
    bucket.tokens = limit.burst;
  }
  return bucket.tokens;
}

/**
 * Whole seconds (at least 1) until a refilled bucket holding `tokens` (< 1) has one token again:
 * the Retry-After a refused client is told.
 */
export function secondsUntilToken(tokens: number, limit: BucketRate): number {
  const seconds = Math.ceil((1 - tokens) / limit.rate);
  return seconds >= 1 ? seconds : 1;
}
