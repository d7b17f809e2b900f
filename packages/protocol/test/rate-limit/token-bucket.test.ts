import { fullBucket, refill, secondsUntilToken } from '../../src/rate-limit/token-bucket';

describe('token bucket', () => {
  const limit = { rate: 2, burst: 5 };

  it('starts full and refills at the rate, never past the burst', () => {
    const bucket = fullBucket(limit, 1000);
    expect(refill(bucket, limit, 1000)).toBe(5);
    bucket.tokens = 0;
    expect(refill(bucket, limit, 1500)).toBe(1); // half a second at 2 a second
    expect(refill(bucket, limit, 2500)).toBe(3);
    expect(refill(bucket, limit, 60_000)).toBe(5);
  });

  it('earns nothing when the clock goes back', () => {
    const bucket = { tokens: 1, stamp: 5000 };
    expect(refill(bucket, limit, 4000)).toBe(1);
    expect(bucket.stamp).toBe(5000);
  });

  it('holds no more than a smaller burst once the limit shrinks', () => {
    const bucket = { tokens: 5, stamp: 0 };
    expect(refill(bucket, { rate: 1, burst: 2 }, 0)).toBe(2);
  });

  it('tells whole seconds until one token, at least 1', () => {
    expect(secondsUntilToken(0.99, { rate: 100, burst: 1 })).toBe(1);
    expect(secondsUntilToken(0, { rate: 0.25, burst: 1 })).toBe(4);
    expect(secondsUntilToken(0.5, { rate: 0.1, burst: 1 })).toBe(5);
  });
});
