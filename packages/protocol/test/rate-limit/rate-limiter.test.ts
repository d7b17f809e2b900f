import { REFUSED_CREDENTIALS, RateLimiter, type RateLimitSettings } from '@nano-access/protocol';
import { testPolicy } from '../helpers';

const GOLD = 'gold-0b6f1c2e-6d0a-4c4e-9a57-1f2e3d4c5b6a';
const SILVER = 'silver-4f0e9d8c-7b6a-4c5d-8e2f-3a4b5c6d7e8f';
const PLAIN = 'plain-9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const STRANGER = 'stranger-00000000-0000-4000-8000-000000000001';

/** gold holds `wallet` through a role; silver holds `node_query` through allow (and not wallet). */
const POLICY_TEXT = `
[[role]]
id = "operator"
allow = "wallet"

[[user]]
id = ""

[[user]]
id = "${GOLD}"
roles = "operator"
allow = "node_query"

[[user]]
id = "${SILVER}"
allow = "node_query"

[[user]]
id = "${PLAIN}"
`;

const SETTINGS: RateLimitSettings = {
  tiers: [
    { permission: 'wallet', rate: 10, burst: 4 },
    { permission: 'node_query', rate: 1, burst: 3 },
  ],
  defaultUser: { rate: 1, burst: 2 },
  maxBuckets: 100,
};

function limiter(settings: Partial<RateLimitSettings> = {}): { limiter: RateLimiter; clock: { now: number } } {
  const clock = { now: 0 };
  return { limiter: new RateLimiter({ ...SETTINGS, ...settings }, { clock: () => clock.now }), clock };
}

/** How many requests pass in a row before the first refusal (at a fixed instant). */
function burstOf(admit: () => number, max = 100): number {
  for (let count = 0; count < max; count++) if (admit() > 0) return count;
  return max;
}

describe('RateLimiter', () => {
  const policy = testPolicy(POLICY_TEXT);

  it('gives a user the first tier, in file order, whose permission they hold (through a role or allow)', () => {
    const { limiter: l } = limiter();
    expect(burstOf(() => l.admit(policy, GOLD, '127.0.0.1'))).toBe(4); // wallet, through its role, comes first
    expect(burstOf(() => l.admit(policy, SILVER, '127.0.0.1'))).toBe(3); // node_query, through allow
    expect(burstOf(() => l.admit(policy, PLAIN, '127.0.0.1'))).toBe(2); // no tier: the default rate
  });

  it('keeps each known user in a bucket of their own, whatever address they come from', () => {
    const { limiter: l } = limiter();
    expect(burstOf(() => l.admit(policy, SILVER, '127.0.0.1'))).toBe(3);
    expect(l.admit(policy, SILVER, '127.0.0.9')).toBeGreaterThan(0);
    expect(l.admit(policy, PLAIN, '127.0.0.1')).toBe(0);
  });

  it('buckets the default user, unknown and conflicting credentials by client address', () => {
    const { limiter: l } = limiter();
    expect(burstOf(() => l.admit(policy, undefined, '127.0.0.2'))).toBe(2);
    // The same address: an unknown id or conflicting sources do not buy a new bucket.
    expect(l.admit(policy, STRANGER, '127.0.0.2')).toBeGreaterThan(0);
    expect(l.admit(policy, REFUSED_CREDENTIALS, '127.0.0.2')).toBeGreaterThan(0);
    expect(l.admit(policy, '', '::ffff:127.0.0.2')).toBeGreaterThan(0);
    // Another address has its own.
    expect(l.admit(policy, STRANGER, '127.0.0.3')).toBe(0);
    expect(l.stats().buckets).toEqual({ user: 0, address: 2 });
  });

  it('buckets IPv6 clients by /64', () => {
    const { limiter: l } = limiter();
    expect(burstOf(() => l.admit(policy, undefined, '2001:db8:0:1::1'))).toBe(2);
    expect(l.admit(policy, undefined, '2001:db8:0:1::ffff')).toBeGreaterThan(0);
    expect(l.admit(policy, undefined, '2001:db8:0:2::1')).toBe(0);
  });

  it('refills with time and tells the whole seconds to wait', () => {
    const { limiter: l, clock } = limiter({ defaultUser: { rate: 0.5, burst: 1 } });
    expect(l.admit(policy, undefined, '127.0.0.4')).toBe(0);
    expect(l.admit(policy, undefined, '127.0.0.4')).toBe(2);
    clock.now = 1000;
    expect(l.admit(policy, undefined, '127.0.0.4')).toBe(1);
    clock.now = 2000;
    expect(l.admit(policy, undefined, '127.0.0.4')).toBe(0);
  });

  it('holds every request under the global ceiling, and charges it only for what a bucket admits', () => {
    const { limiter: l, clock } = limiter({ global: { rate: 1, burst: 3 } });
    expect(l.admit(policy, GOLD, '127.0.0.1')).toBe(0);
    expect(l.admit(policy, SILVER, '127.0.0.1')).toBe(0);
    expect(l.admit(policy, undefined, '127.0.0.5')).toBe(0);
    expect(l.admit(policy, GOLD, '127.0.0.1')).toBe(1); // gold has tokens left: the ceiling refuses
    expect(l.stats().refused.global).toBe(1);
    clock.now = 1000;
    expect(l.admit(policy, GOLD, '127.0.0.1')).toBe(0);
    // A client refused by its own bucket takes nothing from the ceiling.
    const { limiter: m } = limiter({ global: { rate: 1, burst: 3 }, defaultUser: { rate: 1, burst: 1 } });
    expect(m.admit(policy, undefined, '127.0.0.6')).toBe(0);
    expect(m.admit(policy, undefined, '127.0.0.6')).toBeGreaterThan(0);
    expect(m.admit(policy, undefined, '127.0.0.6')).toBeGreaterThan(0);
    expect(m.admit(policy, GOLD, '127.0.0.1')).toBe(0);
    expect(m.admit(policy, GOLD, '127.0.0.1')).toBe(0);
    expect(m.stats().refused).toEqual({ user: 0, address: 2, global: 0 });
  });

  it('keeps a user’s bucket across a policy change and re-derives their tier from the new policy', () => {
    const { limiter: l } = limiter();
    expect(burstOf(() => l.admit(policy, GOLD, '127.0.0.1'))).toBe(4);
    // The new policy takes wallet away from gold: the empty bucket stays empty...
    const reloaded = testPolicy(POLICY_TEXT.replace('roles = "operator"\n', ''));
    expect(l.admit(reloaded, GOLD, '127.0.0.1')).toBeGreaterThan(0);
    // ...and refills at node_query's tier (rate 1, burst 3), no more.
    const { limiter: m, clock } = limiter();
    expect(burstOf(() => m.admit(policy, GOLD, '127.0.0.1'))).toBe(4);
    clock.now = 60_000;
    expect(burstOf(() => m.admit(reloaded, GOLD, '127.0.0.1'))).toBe(3);
  });

  it('treats a user removed by a reload as unknown credentials, by address', () => {
    const { limiter: l } = limiter();
    expect(l.admit(policy, PLAIN, '127.0.0.7')).toBe(0);
    const reloaded = testPolicy(POLICY_TEXT.replace(`[[user]]\nid = "${PLAIN}"\n`, ''));
    expect(burstOf(() => l.admit(reloaded, PLAIN, '127.0.0.7'))).toBe(2);
    expect(l.admit(reloaded, undefined, '127.0.0.7')).toBeGreaterThan(0);
  });

  it('holds at most max_buckets per table under a flood of distinct addresses, and an evicted client starts no fuller than a new one', () => {
    const { limiter: l } = limiter({ maxBuckets: 50 });
    for (let index = 0; index < 5000; index++) {
      l.admit(policy, undefined, `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`);
    }
    const stats = l.stats();
    expect(stats.buckets.address).toBe(50);
    expect(stats.evictions.address).toBe(4950);
    // 10.0.0.0 was evicted long ago: it gets a fresh bucket, the default burst and no more.
    expect(burstOf(() => l.admit(policy, undefined, '10.0.0.0'))).toBe(2);
  });

  it('counts what it admits and refuses, in Prometheus text', () => {
    const { limiter: l } = limiter();
    burstOf(() => l.admit(policy, undefined, '127.0.0.8'));
    burstOf(() => l.admit(policy, SILVER, '127.0.0.8'));
    const text = l.metricsText();
    expect(text).toContain('nano_access_rate_limit_admitted_total 5\n');
    expect(text).toContain('nano_access_rate_limit_refused_total{scope="address"} 1\n');
    expect(text).toContain('nano_access_rate_limit_refused_total{scope="user"} 1\n');
    expect(text).toContain('nano_access_rate_limit_buckets{table="user"} 1\n');
    expect(text).toContain('nano_access_rate_limit_buckets_max 100\n');
  });

  it('refuses settings that would never admit anything', () => {
    expect(() => new RateLimiter({ ...SETTINGS, defaultUser: { rate: 0, burst: 1 } })).toThrow(RangeError);
    expect(() => new RateLimiter({ ...SETTINGS, global: { rate: 1, burst: 0 } })).toThrow(RangeError);
  });
});
