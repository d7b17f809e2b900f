import type { JsonObject } from '@nano-access/protocol';
import { canonicalJson, ResponseCache } from '../../src/protect/response-cache';

/** A backend that numbers its answers and counts its calls. */
function countingBackend(answer: (n: number) => JsonObject = (n) => ({ n })) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    legacy: async () => answer(++calls),
  };
}

const config = (overrides: Partial<ConstructorParameters<typeof ResponseCache>[0]> = {}) => ({
  enable: true,
  ttl: { block_count: 1, account_info: 1 },
  maxEntries: 100,
  maxBytes: 1 << 20,
  ...overrides,
});

describe('ResponseCache', () => {
  it('holds at most max_bytes of keys and answers, and never an answer larger than that', async () => {
    const cache = new ResponseCache(config({ maxBytes: 120 }), () => 0);
    const backend = countingBackend((n) => ({ frontier: 'F'.repeat(20), n }));
    for (const account of ['a', 'b', 'c', 'd']) await cache.through({ action: 'account_info', account }, backend);
    const text = cache.metricsText();
    const bytes = Number(/nano_access_gateway_cache_bytes (\d+)/.exec(text)![1]);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(120);
    const big = new ResponseCache(config({ maxBytes: 10 }), () => 0);
    await big.through({ action: 'block_count' }, backend);
    expect(big.metricsText()).toContain('nano_access_gateway_cache_entries 0');
  });

  it('hands each hit its own copy, so no caller or backend can change what the next caller gets', async () => {
    const cache = new ResponseCache(config(), () => 0);
    const held = { count: '1', nested: { a: [1] } };
    let calls = 0;
    const backend = { legacy: async () => (calls++, held) };
    await cache.through({ action: 'block_count' }, backend);
    held.nested.a.push(2); // the backend changes what it answered
    const hit = await cache.through({ action: 'block_count' }, backend);
    expect(hit).toEqual({ count: '1', nested: { a: [1] } });
    (hit.nested as { a: number[] }).a.push(3); // a caller changes its answer
    expect(await cache.through({ action: 'block_count' }, backend)).toEqual({ count: '1', nested: { a: [1] } });
    expect(calls).toBe(1);
  });

  it('forwards a rejected backend call to every waiter and keeps nothing', async () => {
    const cache = new ResponseCache(config(), () => 0);
    const failing = { legacy: () => Promise.reject(new Error('down')) };
    await expect(cache.through({ action: 'block_count' }, failing)).rejects.toThrow('down');
    const backend = countingBackend();
    expect(await cache.through({ action: 'block_count' }, backend)).toEqual({ n: 1 });
  });

  it('evicts the least recently used, hits included, over a long mix of requests, as a plain list would', async () => {
    const cache = new ResponseCache(config({ maxEntries: 4 }), () => 0);
    const backend = countingBackend();
    const model: string[] = []; // least recently used first
    let expectedCalls = 0;
    let seed = 11;
    const next = (n: number): number => Math.floor((seed = (seed * 1103515245 + 12345) % 2147483648) / 65536) % n;
    for (let step = 0; step < 1000; step++) {
      const account = `acc-${next(7)}`;
      await cache.through({ action: 'account_info', account }, backend);
      const at = model.indexOf(account);
      if (at !== -1) model.splice(at, 1);
      else {
        expectedCalls++;
        if (model.length === 4) model.shift();
      }
      model.push(account);
      expect(backend.calls).toBe(expectedCalls);
    }
    expect(cache.metricsText()).toContain('nano_access_gateway_cache_entries 4\n');
    expect(expectedCalls).toBeGreaterThan(200);
  });

  it('drops expired entries when it keeps a new one, without counting them as evictions', async () => {
    const clock = { now: 0 };
    const cache = new ResponseCache(config(), () => clock.now);
    const backend = countingBackend();
    await cache.through({ action: 'account_info', account: 'a' }, backend);
    await cache.through({ action: 'account_info', account: 'b' }, backend);
    clock.now = 1000; // both expired: never served again
    await cache.through({ action: 'account_info', account: 'c' }, backend);
    const text = cache.metricsText();
    expect(text).toContain('nano_access_gateway_cache_entries 1\n');
    expect(text).toContain('nano_access_gateway_cache_evictions_total 0\n');
    expect(await cache.through({ action: 'account_info', account: 'a' }, backend)).toEqual({ n: 4 });
  });

  it('refuses, when built directly, an action that is not on the allow-list', () => {
    expect(() => new ResponseCache(config({ ttl: { wallet_balances: 1 } }))).toThrow(TypeError);
  });

  it('keys on canonical JSON: the order of object keys does not matter', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: 1 }], a: 'z' })).toBe('{"a":"z","b":[1,{"x":1,"y":2}]}');
  });
});
