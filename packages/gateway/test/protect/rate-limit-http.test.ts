import { Writable } from 'node:stream';
import pino from 'pino';
import { ErrorCode, RATE_LIMITED_CODE, type RateLimitSettings } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { call, postJson, type HttpAnswer } from '../helpers/http-client';
import { startInProcess, type RunningGateway } from '../helpers/in-process';

const WRITER = 'writer-5b7e0c1d-2f3a-4b5c-8d6e-7f8091a2b3c4';
const OPS = 'ops-0d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6';
const PLAIN = 'plain-6e7f8091-a2b3-4c4d-8e5f-60718293a4b5';

/** writer holds wallet_write through a role and node_query through allow; ops node_query; plain neither. */
const ACCESS = `
[[role]]
id = "writers"
allow = "wallet_write"

[[user]]
id = ""
allow = "account_query"

[[user]]
id = "${WRITER}"
roles = "writers"
allow = "node_query"

[[user]]
id = "${OPS}"
allow = "node_query"

[[user]]
id = "${PLAIN}"
`;

/** Slow refills (1 a second) under a clock the test moves: nothing refills unless it says so. */
const SETTINGS: RateLimitSettings = {
  tiers: [
    { permission: 'wallet_write', rate: 1, burst: 3 },
    { permission: 'node_query', rate: 1, burst: 2 },
  ],
  defaultUser: { rate: 0.5, burst: 1 },
  maxBuckets: 1000,
};

const BLOCK_COUNT = { action: 'block_count' };

describe('rate limits in the gateway', () => {
  let running: RunningGateway | undefined;
  const clock = { now: 0 };
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(
    settings: Partial<RateLimitSettings> = {},
    store?: PolicyStore,
    logger?: pino.Logger,
  ): Promise<string> {
    clock.now = 0;
    running = await startInProcess({
      accessText: ACCESS,
      store,
      config: { rateLimit: { ...SETTINGS, ...settings }, logging: { logRpc: logger !== undefined } },
      rateClock: () => clock.now,
      logger,
    });
    return running.url;
  }

  const legacy = (url: string, key?: string, localAddress?: string): Promise<HttpAnswer> =>
    call(url, {
      path: '/',
      body: JSON.stringify(BLOCK_COUNT),
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'nano-api-key': key }) },
      localAddress,
    });

  /** Requests that pass before the first 429 (at most `max`). */
  async function admitted(send: () => Promise<HttpAnswer>, max = 10): Promise<number> {
    for (let count = 0; count < max; count++) if ((await send()).status === 429) return count;
    return max;
  }

  it('answers a legacy request over the limit 429, with Retry-After and a node-style error body', async () => {
    const url = await start();
    expect((await legacy(url, PLAIN)).json).toMatchObject({ count: expect.any(String) });
    const refused = await legacy(url, PLAIN);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2'); // one token at 0.5 a second
    expect(refused.json).toEqual({ error: 'Rate limit exceeded: retry after 2 s', code: RATE_LIMITED_CODE });
    clock.now = 2000;
    expect((await legacy(url, PLAIN)).status).toBe(200);
  });

  it('answers v2 over the limit 429, with Retry-After and an Error envelope of the rate-limit code', async () => {
    const url = await start();
    const key = { 'nano-api-key': PLAIN, 'nano-correlation-id': 'c-1' };
    const isAlive = { message_type: 'IsAlive', message: {} };
    expect((await postJson(url, '/api/v2', isAlive, key)).status).toBe(200);
    for (const refused of [
      await postJson(url, '/api/v2', isAlive, key),
      await postJson(url, '/api/v2/IsAlive', {}, key),
    ]) {
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.json).toMatchObject({
        message_type: 'Error',
        correlation_id: 'c-1',
        message: { code: ErrorCode.rateLimited, message: 'Rate limit exceeded: retry after 2 s' },
      });
    }
  });

  it('counts v2 requests naming a message type the catalog does not know, as legacy counts unknown actions', async () => {
    const url = await start();
    const key = { 'nano-api-key': PLAIN };
    const unknown = await postJson(url, '/api/v2/NoSuchMessage', {}, key);
    expect(unknown.json).toMatchObject({ message_type: 'Error', message: { code: ErrorCode.generic } });
    for (const refused of [
      await postJson(url, '/api/v2/NoSuchMessage', {}, key),
      await postJson(url, '/api/v2', { message_type: 'NoSuchMessage', message: {} }, key),
      await postJson(url, '/api/v2/IsAlive', {}, key),
    ]) {
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject({ message_type: 'Error', message: { code: ErrorCode.rateLimited } });
    }
  });

  it('gives each user the first tier, in file order, whose permission they hold', async () => {
    const url = await start();
    expect(await admitted(() => legacy(url, WRITER))).toBe(3); // wallet_write through its role, before node_query
    expect(await admitted(() => legacy(url, OPS))).toBe(2); // node_query through allow
    expect(await admitted(() => legacy(url, PLAIN))).toBe(1); // no tier: the default rate, its own bucket
  });

  it('buckets the default user and unknown credentials by client address', async () => {
    const url = await start();
    expect(await admitted(() => legacy(url, undefined, '127.0.0.2'))).toBe(1);
    expect((await legacy(url, 'unknown-key-0000-0000-4000-8000-000000000000', '127.0.0.2')).status).toBe(429);
    expect((await legacy(url, undefined, '127.0.0.3')).status).toBe(200);
    expect((await legacy(url, 'unknown-key-0000-0000-4000-8000-000000000000', '127.0.0.4')).status).toBe(200);
  });

  it('holds all requests together under the global ceiling', async () => {
    const url = await start({ global: { rate: 1, burst: 4 } });
    expect((await legacy(url, WRITER)).status).toBe(200);
    expect((await legacy(url, OPS)).status).toBe(200);
    expect((await legacy(url, undefined, '127.0.0.5')).status).toBe(200);
    expect((await legacy(url, undefined, '127.0.0.6')).status).toBe(200);
    const refused = await legacy(url, WRITER); // writer still has two tokens of its own
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
  });

  it('keeps a user’s bucket across a policy reload and re-derives the tier from the new policy', async () => {
    const store = PolicyStore.fromText(ACCESS);
    try {
      const url = await start({}, store);
      expect(await admitted(() => legacy(url, WRITER))).toBe(3);
      expect(store.applyText(ACCESS.replace('roles = "writers"\n', '')).outcome).toBe('reloaded');
      expect((await legacy(url, WRITER)).status).toBe(429); // the empty bucket stayed empty
      clock.now = 60_000;
      expect(await admitted(() => legacy(url, WRITER))).toBe(2); // now node_query's tier: burst 2
    } finally {
      await running?.close();
      running = undefined;
      await store.close();
    }
  });

  it('bounds the bucket table under a flood of distinct addresses, and counts it all in /metrics', async () => {
    const url = await start({ maxBuckets: 8 });
    for (let host = 1; host <= 30; host++) {
      expect((await legacy(url, undefined, `127.0.1.${host}`)).status).toBe(200);
    }
    expect((await legacy(url, undefined, '127.0.1.30')).status).toBe(429);
    const metrics = (await call(url, { method: 'GET', path: '/metrics' })).text;
    expect(metrics).toContain('nano_access_rate_limit_buckets{table="address"} 8\n');
    expect(metrics).toContain('nano_access_rate_limit_evictions_total{table="address"} 22\n');
    expect(metrics).toContain('nano_access_rate_limit_admitted_total 30\n');
    expect(metrics).toContain('nano_access_rate_limit_refused_total{scope="address"} 1\n');
    expect(metrics).toMatch(
      /nano_access_gateway_requests_total\{api="legacy",name="block_count",outcome="rate_limited"\} 1\n/,
    );
    expect(metrics).toContain(
      'nano_access_protocol_requests_total{kind="action",name="block_count",outcome="rate_limited"} 1\n',
    );
  });

  it('writes the refusal to log_rpc as outcome rate_limited, status 429, reason "rate limited"', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const url = await start({}, undefined, pino({ level: 'info' }, sink));
    await legacy(url, PLAIN);
    await legacy(url, PLAIN);
    await postJson(url, '/api/v2/IsAlive', {}, { 'nano-api-key': PLAIN });
    const rpc = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'rpc');
    expect(rpc.slice(1)).toEqual([
      expect.objectContaining({ api: 'legacy', outcome: 'rate_limited', status: 429, reason: 'rate limited' }),
      expect.objectContaining({ api: 'v2', outcome: 'rate_limited', status: 429, reason: 'rate limited' }),
    ]);
    expect(rpc[2].caller).toMatch(/^user #\d+ \(…/);
    expect(lines.join('\n')).not.toContain(PLAIN);
  });
});
