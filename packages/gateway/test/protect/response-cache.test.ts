import * as fc from 'fast-check';
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

  it('frees the key after a backend that throws at once, so the next request asks again', async () => {
    const cache = new ResponseCache(config(), () => 0);
    let calls = 0;
    const throwing = {
      legacy: (): Promise<JsonObject> => {
        calls++;
        throw new Error('no connection');
      },
    };
    for (let i = 0; i < 2; i++)
      await expect(Promise.resolve(cache.through({ action: 'block_count' }, throwing))).rejects.toThrow(
        'no connection',
      );
    expect(calls).toBe(2);
    expect(await cache.through({ action: 'block_count' }, countingBackend())).toEqual({ n: 1 });
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

  it('writes a string as JSON.stringify does, escapes and lone surrogates included', () => {
    for (const text of [
      'nano_1abc',
      'a"b',
      'a\\b',
      '\u0000\u001f',
      '\u007f',
      'é',
      '\ud800',
      '\udfff',
      '\ud83d\ude00',
      '',
    ])
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        expect(canonicalJson(text)).toBe(JSON.stringify(text));
      }),
    );
  });

  /** A backend whose answers wait until released, in the order they were asked. */
  function heldBackend(answer: (n: number) => JsonObject) {
    const waiting: Array<() => void> = [];
    let calls = 0;
    return {
      get calls() {
        return calls;
      },
      releaseAll: () => waiting.splice(0).forEach((release) => release()),
      legacy: () => {
        const n = ++calls;
        return new Promise<JsonObject>((resolve) => waiting.push(() => resolve(answer(n))));
      },
    };
  }
  const entriesOf = (cache: ResponseCache) =>
    Number(/nano_access_gateway_cache_entries (\d+)/.exec(cache.metricsText())![1]);

  it('makes one backend call for requests asking the same thing meanwhile, and counts only kept answers as entries', async () => {
    const cache = new ResponseCache(config(), () => 0);
    const backend = heldBackend((n) => ({ n }));
    const first = cache.through({ action: 'block_count' }, backend);
    const second = cache.through({ action: 'block_count' }, backend);
    expect(backend.calls).toBe(1);
    expect(entriesOf(cache)).toBe(0); // the call in flight is not an entry
    backend.releaseAll();
    expect(await Promise.all([first, second])).toEqual([{ n: 1 }, { n: 1 }]);
    expect(entriesOf(cache)).toBe(1);
    expect(cache.metricsText()).toContain('nano_access_gateway_cache_coalesced_total{action="block_count"} 1');
  });

  it('frees the key of an answer it does not keep (an error, one too large), so the next request asks again', async () => {
    for (const answer of [{ error: 'Unable to parse JSON' }, { count: 'x'.repeat(200) }]) {
      const cache = new ResponseCache(config({ maxBytes: 100 }), () => 0);
      const backend = countingBackend(() => answer);
      expect(await cache.through({ action: 'block_count' }, backend)).toEqual(answer);
      expect(await cache.through({ action: 'block_count' }, backend)).toEqual(answer);
      expect(backend.calls).toBe(2);
      expect(entriesOf(cache)).toBe(0);
    }
  });

  it('asks again for an expired answer, once for all who ask meanwhile, and keeps the new one in its place', async () => {
    const clock = { now: 0 };
    const cache = new ResponseCache(config({ maxEntries: 1 }), () => clock.now);
    const backend = heldBackend((n) => ({ n }));
    const first = cache.through({ action: 'block_count' }, backend);
    backend.releaseAll();
    expect(await first).toEqual({ n: 1 });
    clock.now = 5000; // expired
    const again = [
      cache.through({ action: 'block_count' }, backend),
      cache.through({ action: 'block_count' }, backend),
    ];
    expect(backend.calls).toBe(2);
    expect(entriesOf(cache)).toBe(0);
    backend.releaseAll();
    expect(await Promise.all(again.map((answer) => Promise.resolve(answer)))).toEqual([{ n: 2 }, { n: 2 }]);
    expect(entriesOf(cache)).toBe(1);
    expect(await cache.through({ action: 'block_count' }, backend)).toEqual({ n: 2 }); // a hit
    expect(cache.metricsText()).toContain('nano_access_gateway_cache_evictions_total 0\n');
  });
});
