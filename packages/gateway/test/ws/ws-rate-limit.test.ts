import pino from 'pino';
import {
  createEmbeddedBackend,
  Dispatcher,
  ErrorCode,
  RATE_LIMITED_CODE,
  RateLimiter,
  type Backend,
} from '@nano-access/protocol';
import type { RateLimitSettings } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { createGateway, type Gateway } from '@nano-access/gateway';
import { call, type HttpAnswer } from '../helpers/http-client';
import { testConfig } from '../helpers/in-process';
import { LEDGER } from '../helpers/fixtures';
import { TestSocket } from '../helpers/ws-client';

const silent = pino({ level: 'silent' });
const WATCHER = 'watcher-2f8e6d4c-1a3b-4c5d-9e7f-0a1b2c3d4e5f';
/** The watcher may subscribe and read block_count; the default user may subscribe too. */
const ACCESS = `[[user]]\nid = ""\nallow = "api_topic_confirmation"\n\n[[user]]\nid = "${WATCHER}"\nallow = ["api_topic_confirmation", "api_block_count"]\n`;

/** The watcher's tier holds 4 tokens, the default user's (per address) 2; nothing refills unless the test moves the clock. */
const SETTINGS: RateLimitSettings = {
  tiers: [{ permission: 'api_topic_confirmation', rate: 1, burst: 4 }],
  defaultUser: { rate: 1, burst: 2 },
  maxBuckets: 100,
};

const subscribe = (id: string) => ({ action: 'subscribe', topic: 'confirmation', ack: true, id });

describe('rate limits on the WebSocket endpoint /api/v2/ws (real sockets)', () => {
  const clock = { now: 0 };
  let store: PolicyStore;
  let backend: Backend;
  let dispatcher: Dispatcher;
  let gateway: Gateway;
  let url: string;
  let wsUrl: string;
  const sockets: TestSocket[] = [];

  beforeEach(async () => {
    clock.now = 0;
    store = PolicyStore.fromText(ACCESS);
    backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    const rateLimiter = new RateLimiter(SETTINGS, { clock: () => clock.now });
    dispatcher = new Dispatcher({ policy: store, backend, logger: silent, rateLimiter });
    gateway = createGateway({
      dispatcher,
      store,
      config: testConfig({ rateLimit: SETTINGS }),
      logger: silent,
      closeGraceMs: 200,
      metricsSources: [() => dispatcher.metricsText()],
    });
    url = (await gateway.listen()).url;
    wsUrl = `${url.replace(/^http/, 'ws')}/api/v2/ws`;
  });

  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await gateway.close();
    dispatcher.close();
    await backend.close();
    await store.close();
  });

  async function open(headers: Record<string, string> = {}, localAddress?: string): Promise<TestSocket> {
    const socket = new TestSocket(wsUrl, { headers, localAddress });
    sockets.push(socket);
    await socket.opened;
    return socket;
  }

  const blockCount = (key: string): Promise<HttpAnswer> =>
    call(url, {
      path: '/',
      body: JSON.stringify({ action: 'block_count' }),
      headers: { 'content-type': 'application/json', 'nano-api-key': key },
    });

  const metrics = async (): Promise<string> => (await call(url, { method: 'GET', path: '/metrics' })).text;

  it('answers a subscribe over the limit with the rate-limit code, and the socket stays open', async () => {
    const socket = await open({ 'Nano-Api-Key': WATCHER }); // the upgrade: 1 token of 4
    for (const id of ['s-1', 's-2', 's-3']) {
      socket.send(subscribe(id));
      expect(await socket.next()).toMatchObject({ ack: 'subscribe', id });
    }
    socket.send(subscribe('s-4'));
    expect(await socket.next()).toEqual({
      topic: 'error',
      time: expect.any(Number),
      id: 's-4',
      message: { code: ErrorCode.rateLimited, message: 'Rate limit exceeded: retry after 1 s', topic: 'confirmation' },
    });
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    clock.now = 1000; // one token back
    socket.send(subscribe('s-5'));
    expect(await socket.next()).toMatchObject({ ack: 'subscribe', id: 's-5' });
    const text = await metrics();
    expect(text).toContain('nano_access_gateway_ws_requests_total{action="subscribe",outcome="rate_limited"} 1\n');
    expect(text).toContain('nano_access_rate_limit_refused_total{scope="user"} 1\n');
  });

  it('counts every message, pings and unreadable ones too: a flood of them is refused like any other', async () => {
    const socket = await open({ 'Nano-Api-Key': WATCHER }); // 1 token of 4
    socket.send({ action: 'ping', id: 'p-1' });
    expect(await socket.next()).toMatchObject({ ack: 'pong', id: 'p-1' });
    socket.send({ action: 'update', id: 'u-1' });
    expect(await socket.next()).toMatchObject({ id: 'u-1', message: { code: ErrorCode.generic } });
    socket.send('not json');
    expect(await socket.next()).toMatchObject({ message: { code: ErrorCode.generic } });
    for (const message of [{ action: 'ping', id: 'p-2' }, { action: 'update', id: 'u-2' }, subscribe('s-1')]) {
      socket.send(message);
      expect(await socket.next()).toMatchObject({
        topic: 'error',
        id: message.id,
        message: { code: ErrorCode.rateLimited, message: 'Rate limit exceeded: retry after 1 s' },
      });
    }
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    clock.now = 1000;
    socket.send({ action: 'ping', id: 'p-3' });
    expect(await socket.next()).toMatchObject({ ack: 'pong', id: 'p-3' });
    const text = await metrics();
    expect(text).toContain('nano_access_gateway_ws_requests_total{action="ping",outcome="rate_limited"} 1\n');
    expect(text).toContain('nano_access_gateway_ws_requests_total{action="other",outcome="rate_limited"} 1\n');
    expect(text).toContain('nano_access_rate_limit_refused_total{scope="user"} 3\n');
  });

  it('draws from the bucket of the user’s HTTP requests: an upgrade over the limit is refused 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await blockCount(WATCHER)).status).toBe(200);
    const socket = await open({ 'Nano-Api-Key': WATCHER }); // the fourth token
    socket.send({ action: 'ping', id: 'p-1' });
    expect(await socket.next()).toMatchObject({ message: { code: ErrorCode.rateLimited } });
    expect((await blockCount(WATCHER)).status).toBe(429);
    const refused = new TestSocket(wsUrl, { headers: { 'Nano-Api-Key': WATCHER } });
    sockets.push(refused);
    await expect(refused.opened).rejects.toMatchObject({ status: 429 });
    const answer = await call(url, {
      method: 'GET',
      path: '/api/v2/ws',
      headers: {
        'nano-api-key': WATCHER,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.json).toEqual({ error: 'Rate limit exceeded: retry after 1 s', code: RATE_LIMITED_CODE });
    expect(await metrics()).toContain('nano_access_gateway_ws_refused_total{reason="rate_limited"} 2\n');
  });

  it('takes the default user’s messages from the bucket of the client address, as its HTTP requests', async () => {
    const first = await open({}, '127.0.0.2'); // the upgrade: 1 token of 2
    first.send({ action: 'ping', id: 'p-1' });
    expect(await first.next()).toMatchObject({ ack: 'pong' });
    first.send(subscribe('s-1'));
    expect(await first.next()).toMatchObject({ id: 's-1', message: { code: ErrorCode.rateLimited } });
    // Another socket from the same address has no tokens either; one from another address does.
    await expect(open({}, '127.0.0.2')).rejects.toMatchObject({ status: 429 });
    const other = await open({}, '127.0.0.3');
    other.send(subscribe('s-2'));
    expect(await other.next()).toMatchObject({ ack: 'subscribe', id: 's-2' });
    expect(await metrics()).toContain('nano_access_rate_limit_refused_total{scope="address"} 2\n');
  });
});
