import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeRpcBackend, Dispatcher, type Backend } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { createGateway, type Gateway, type RpcConfig } from '@nano-access/gateway';
import { call, postJson, waitFor } from '../helpers/http-client';
import { testConfig } from '../helpers/in-process';

/**
 * Response caps, the response cache and GET compatibility through the real gateway, over real
 * sockets: the gateway forwards with the node-rpc backend to a stand-in node (a real HTTP
 * server speaking the node's RPC JSON, since a real node cannot run in tests) that records
 * every request it receives and numbers its answers, so a cached answer shows as an old number.
 */

const ALICE = 'alice-ledger-reader-6b2f9c1e-3d7a-4e58-a0b4-c9d8e7f6a5b4';
const BOB = 'bob-ledger-reader-0e9d8c7b-6a5f-4e3d-b2c1-a0f9e8d7c6b5';
const OPS = 'ops-node-reader-5c4b3a29-1807-4f6e-9d5c-4b3a29180706';
const ACCESS = `
[[user]]
id = ""
allow = "api_account_weight"

[[user]]
id = "${ALICE}"
allow = "account_query"

[[user]]
id = "${BOB}"
allow = "account_query"

[[user]]
id = "${OPS}"
allow = "node_query"
bare = true
`;
const ACCOUNT_X = 'nano_1111111111111111111111111111111111111111111111111111hifc8npp';
const ACCOUNT_Y = 'nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3';

interface StandInNode {
  url: string;
  received: Array<Record<string, unknown>>;
  /** Holds block_count answers until release() (single-flight test). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

async function standInNode(): Promise<StandInNode> {
  const received: Array<Record<string, unknown>> = [];
  let answers = 0;
  let held: Array<() => void> | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      received.push(body);
      const n = ++answers;
      let answer: Record<string, unknown>;
      switch (body.action) {
        case 'block_count':
          answer = { count: String(1000 + n), unchecked: '0', cemented: String(1000 + n) };
          break;
        case 'account_info':
          answer = { frontier: `F${n}`, account_echo: body.account };
          break;
        case 'account_history':
          answer = { account: body.account, history: '', count_seen: body.count ?? null };
          break;
        case 'accounts_balances':
          answer = { balances: {} };
          break;
        case 'telemetry':
          answer = { error: 'Peer not found' };
          break;
        default:
          answer = { error: 'Unknown command' };
      }
      const send = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      };
      if (held !== undefined && body.action === 'block_count') held.push(send);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const send of waiting) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Setup {
  node: StandInNode;
  url: string;
  /** The cache's clock, in ms: tests move it instead of waiting. */
  clock: { now: number };
  close(): Promise<void>;
}

async function start(config: Partial<RpcConfig>): Promise<Setup> {
  const node = await standInNode();
  const store = PolicyStore.fromText(ACCESS);
  const backend: Backend = createNodeRpcBackend({ url: node.url, timeoutMs: 5000 });
  const dispatcher = new Dispatcher({ policy: store, backend });
  const clock = { now: 0 };
  const gateway: Gateway = createGateway({
    dispatcher,
    store,
    config: testConfig(config),
    cacheClock: () => clock.now,
  });
  const address = await gateway.listen();
  return {
    node,
    url: address.url,
    clock,
    async close() {
      await gateway.close();
      dispatcher.close();
      await backend.close();
      await store.close();
      await node.close();
    },
  };
}

const caps = (overrides: Partial<RpcConfig['responseCaps']> = {}): Partial<RpcConfig> => ({
  responseCaps: {
    enable: true,
    mode: 'clamp',
    maxCount: 50,
    countByAction: { account_history: 20 },
    maxAccounts: 3,
    maxHashes: 3,
    ...overrides,
  },
});

const cache = (ttl: Record<string, number>, overrides: Partial<RpcConfig['cache']> = {}): Partial<RpcConfig> => ({
  cache: { enable: true, ttl, maxEntries: 100, maxBytes: 1 << 20, ...overrides },
});

const legacy = (url: string, body: Record<string, unknown>, key?: string) =>
  postJson(url, '/', body, key === undefined ? {} : { 'nano-api-key': key });

async function metricsOf(url: string): Promise<string> {
  return (await call(url, { method: 'GET', path: '/metrics' })).text;
}

describe('response caps over real sockets', () => {
  let setup: Setup;
  afterEach(async () => setup.close());

  it('clamps a count over the cap, an absent count and "-1" to the cap (clamp mode)', async () => {
    setup = await start(caps());
    for (const count of ['500', undefined, '-1', 0, ' 5', '1e3', 5.5]) {
      const body: Record<string, unknown> = { action: 'account_history', account: ACCOUNT_X };
      if (count !== undefined) body.count = count;
      const answer = await legacy(setup.url, body, ALICE);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ count_seen: '20' });
    }
    expect(setup.node.received.map((r) => r.count)).toEqual(Array(7).fill('20'));
    expect(await metricsOf(setup.url)).toContain(
      'nano_access_gateway_response_caps_total{action="account_history",result="clamped"} 7',
    );
  });

  it('forwards a count within the cap unchanged', async () => {
    setup = await start(caps());
    await legacy(setup.url, { action: 'account_history', account: ACCOUNT_X, count: 20 }, ALICE);
    await legacy(setup.url, { action: 'account_history', account: ACCOUNT_X, count: '7' }, ALICE);
    expect(setup.node.received.map((r) => r.count)).toEqual([20, '7']);
  });

  it('refuses a count over the cap in refuse mode, and never forwards it', async () => {
    setup = await start(caps({ mode: 'refuse' }));
    for (const count of ['21', '-1', 'all', 0]) {
      const answer = await legacy(setup.url, { action: 'account_history', account: ACCOUNT_X, count }, ALICE);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        error: 'count is over the response cap: account_history takes a count from 1 to 20',
        code: 'NA_PROTOCOL_COUNT_OVER_CAP',
      });
    }
    // An absent count is the cap, in refuse mode too.
    await legacy(setup.url, { action: 'account_history', account: ACCOUNT_X }, ALICE);
    expect(setup.node.received.map((r) => r.count)).toEqual(['20']);
    expect(await metricsOf(setup.url)).toContain(
      'nano_access_gateway_response_caps_total{action="account_history",result="refused"} 4',
    );
  });

  it('refuses an accounts list over max_accounts, as an array or as an object, in either mode', async () => {
    setup = await start(caps());
    const four = [ACCOUNT_X, ACCOUNT_Y, ACCOUNT_X, ACCOUNT_Y];
    const asArray = await legacy(setup.url, { action: 'accounts_balances', accounts: four }, ALICE);
    const asObject = await legacy(
      setup.url,
      { action: 'accounts_balances', accounts: { a: ACCOUNT_X, b: ACCOUNT_Y, c: ACCOUNT_X, d: ACCOUNT_Y } },
      ALICE,
    );
    for (const answer of [asArray, asObject]) {
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        error: 'Too many entries for the response cap: accounts_balances takes at most 3 accounts (4 given)',
        code: 'NA_PROTOCOL_LIST_OVER_CAP',
      });
    }
    expect(setup.node.received).toEqual([]);
    const three = await legacy(setup.url, { action: 'accounts_balances', accounts: four.slice(1) }, ALICE);
    expect(three.json).toEqual({ balances: {} });
    expect(setup.node.received).toHaveLength(1);
  });

  it('answers a caller without the permission "Access denied", caps or not', async () => {
    setup = await start(caps({ mode: 'refuse' }));
    const answer = await legacy(setup.url, { action: 'account_history', account: ACCOUNT_X, count: '-1' }, OPS);
    expect(answer.json).toEqual({ error: 'Access denied' });
    expect(setup.node.received).toEqual([]);
  });
});

describe('response cache over real sockets', () => {
  let setup: Setup;
  afterEach(async () => setup.close());

  it('misses, then hits until the TTL passes, then misses again', async () => {
    setup = await start(cache({ block_count: 2 }));
    const first = await legacy(setup.url, { action: 'block_count' }, ALICE);
    const second = await legacy(setup.url, { action: 'block_count' }, ALICE);
    expect(first.json).toEqual({ count: '1001', unchecked: '0', cemented: '1001' });
    expect(second.json).toEqual(first.json);
    expect(setup.node.received).toHaveLength(1);
    setup.clock.now += 1999;
    expect((await legacy(setup.url, { action: 'block_count' }, ALICE)).json).toEqual(first.json);
    setup.clock.now += 1;
    const expired = await legacy(setup.url, { action: 'block_count' }, ALICE);
    expect(expired.json).toMatchObject({ count: '1002' });
    expect(setup.node.received).toHaveLength(2);
    const metrics = await metricsOf(setup.url);
    expect(metrics).toContain('nano_access_gateway_cache_hits_total{action="block_count"} 2');
    expect(metrics).toContain('nano_access_gateway_cache_misses_total{action="block_count"} 2');
    expect(metrics).toContain('nano_access_gateway_cache_entries 1');
  });

  it('authorizes every request before the cache: a caller without the permission never gets the cached answer', async () => {
    setup = await start(cache({ block_count: 60 }));
    await legacy(setup.url, { action: 'block_count' }, ALICE);
    for (const key of [undefined, OPS, 'no-such-user-1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9']) {
      const answer = await legacy(setup.url, { action: 'block_count' }, key);
      expect(answer.json).toEqual({ error: 'Access denied' });
    }
    expect(setup.node.received).toHaveLength(1);
    expect(await metricsOf(setup.url)).toContain('nano_access_gateway_cache_hits_total{action="block_count"} 0');
  });

  it('shares an answer between callers allowed the action, keyed by its parameters', async () => {
    setup = await start(cache({ account_info: 60 }));
    const aliceX = await legacy(setup.url, { action: 'account_info', account: ACCOUNT_X }, ALICE);
    const bobY = await legacy(setup.url, { action: 'account_info', account: ACCOUNT_Y }, BOB);
    const bobX = await legacy(setup.url, { account: ACCOUNT_X, action: 'account_info' }, BOB);
    expect(aliceX.json).toEqual({ frontier: 'F1', account_echo: ACCOUNT_X });
    expect(bobY.json).toEqual({ frontier: 'F2', account_echo: ACCOUNT_Y });
    expect(bobX.json).toEqual(aliceX.json);
    // Another parameter is another question.
    const withWeight = await legacy(setup.url, { action: 'account_info', account: ACCOUNT_X, weight: 'true' }, BOB);
    expect(withWeight.json).toMatchObject({ frontier: 'F3' });
    expect(setup.node.received).toHaveLength(3);
  });

  it('does not cache a request with a parameter the action does not read, nor a node error', async () => {
    setup = await start(cache({ block_count: 60, telemetry: 60 }));
    await legacy(setup.url, { action: 'block_count', junk: 'a' }, ALICE);
    await legacy(setup.url, { action: 'block_count', junk: 'a' }, ALICE);
    await legacy(setup.url, { action: 'telemetry', address: '::1', port: '7075' }, OPS);
    await legacy(setup.url, { action: 'telemetry', address: '::1', port: '7075' }, OPS);
    expect(setup.node.received).toHaveLength(4);
    const metrics = await metricsOf(setup.url);
    expect(metrics).toContain('nano_access_gateway_cache_bypassed_total{action="block_count"} 2');
    expect(metrics).toContain('nano_access_gateway_cache_entries 0');
  });

  it('stays within max_entries, dropping the least recently used', async () => {
    setup = await start(cache({ account_info: 60 }, { maxEntries: 2 }));
    const ask = (account: string) => legacy(setup.url, { action: 'account_info', account }, ALICE);
    const z = 'nano_1111111111111111111111111111111111111111111111111111hifc8npp'.replace(/1hifc8npp$/, '3hifc8npp');
    await ask(ACCOUNT_X);
    await ask(ACCOUNT_Y);
    await ask(ACCOUNT_X); // hit: X is now the most recent
    await ask(z); // evicts Y
    await ask(ACCOUNT_X); // still cached
    await ask(ACCOUNT_Y); // fetched again
    expect(setup.node.received.map((r) => r.account)).toEqual([ACCOUNT_X, ACCOUNT_Y, z, ACCOUNT_Y]);
    const metrics = await metricsOf(setup.url);
    expect(metrics).toContain('nano_access_gateway_cache_entries 2');
    expect(metrics).toContain('nano_access_gateway_cache_evictions_total 2');
  });

  it('sends one request to the node for concurrent misses of one key', async () => {
    setup = await start(cache({ block_count: 60 }));
    setup.node.hold();
    const answers = Promise.all(Array.from({ length: 5 }, () => legacy(setup.url, { action: 'block_count' }, ALICE)));
    await waitFor(
      async () =>
        (await metricsOf(setup.url)).includes('nano_access_gateway_cache_coalesced_total{action="block_count"} 4'),
      20_000,
      'four requests waiting on the first',
    );
    setup.node.release();
    const bodies = (await answers).map((a) => a.json);
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(setup.node.received).toHaveLength(1);
  });

  it('applies the caps before the cache: the clamped request is the key', async () => {
    setup = await start({ ...caps(), ...cache({ representatives: 60 }) });
    await legacy(setup.url, { action: 'representatives', count: '-1' }, ALICE);
    await legacy(setup.url, { action: 'representatives', count: '50' }, ALICE);
    expect(setup.node.received).toEqual([
      { action: 'representatives', count: '50' },
      { action: 'representatives', count: '50' },
    ]);
  });
});

describe('GET compatibility over real sockets', () => {
  let setup: Setup;
  afterEach(async () => setup.close());

  it('is off by default: GET / is 405', async () => {
    setup = await start({});
    const answer = await call(setup.url, {
      method: 'GET',
      path: '/?action=block_count',
      headers: { 'nano-api-key': ALICE },
    });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST, OPTIONS');
    expect(setup.node.received).toEqual([]);
  });

  it('with legacy_get, reads the query as the legacy request, authorized as a POST', async () => {
    setup = await start({ legacyGet: true });
    const answer = await call(setup.url, {
      method: 'GET',
      path: `/?action=account_history&account=${ACCOUNT_X}&count=5`,
      headers: { 'nano-api-key': ALICE },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.json).toEqual({ account: ACCOUNT_X, history: '', count_seen: '5' });
    const lists = await call(setup.url, {
      method: 'GET',
      path: `/?action=accounts_balances&accounts[]=${ACCOUNT_X}&accounts[]=${ACCOUNT_Y}`,
      headers: { authorization: `Bearer ${ALICE}` },
    });
    expect(lists.json).toEqual({ balances: {} });
    expect(setup.node.received).toEqual([
      { action: 'account_history', account: ACCOUNT_X, count: '5' },
      { action: 'accounts_balances', accounts: [ACCOUNT_X, ACCOUNT_Y] },
    ]);
    const denied = await call(setup.url, { method: 'GET', path: '/?action=block_count' });
    expect(denied.json).toEqual({ error: 'Access denied' });
    expect(setup.node.received).toHaveLength(2);
  });

  it('with legacy_get, refuses actions that are not read-only (405), and GET on other paths', async () => {
    setup = await start({ legacyGet: true });
    for (const path of [
      '/?action=send&wallet=W&source=S&destination=D&amount=1',
      '/?action=password_enter&password=p',
      '/?action=process',
      '/api/v2/AccountWeight?account=x',
    ]) {
      const answer = await call(setup.url, { method: 'GET', path, headers: { 'nano-api-key': ALICE } });
      expect(answer.status).toBe(405);
    }
    expect(setup.node.received).toEqual([]);
  });
});
