import * as path from 'node:path';
import { createEmbeddedBackend, Dispatcher, ErrorCode, RateLimiter, type Backend } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { IpcClient } from '../src/client';
import type { IpcServers } from '../src/server';
import { startTestServers, tcpPort } from './helpers';

const LEDGER = path.resolve(__dirname, '../../../fixtures/data/ledger.json');
const USER = 'ipc-user-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const ACCESS = `
[[user]]
id = ""
allow = "account_query"

[[user]]
id = "${USER}"
allow = "node_query"
`;

/** The dispatcher's limiter applies to IPC v2 sessions; legacy encodings are trusted by transport. */
describe('rate limits over IPC', () => {
  let backend: Backend;
  let store: PolicyStore;
  let dispatcher: Dispatcher;
  let servers: IpcServers;
  let stop: () => Promise<void>;
  const clients: IpcClient[] = [];

  beforeAll(async () => {
    backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    store = PolicyStore.fromText(ACCESS);
    const rateLimiter = new RateLimiter(
      { tiers: [{ permission: 'node_query', rate: 1, burst: 2 }], defaultUser: { rate: 1, burst: 1 }, maxBuckets: 100 },
      { clock: () => 0 },
    );
    dispatcher = new Dispatcher({ policy: store, backend, rateLimiter });
    ({ servers, stop } = await startTestServers(dispatcher));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await stop();
    dispatcher.close();
    await store.close();
    await backend.close();
  });

  function client(): IpcClient {
    const c = new IpcClient({ port: tcpPort(servers), timeoutMs: 10_000, env: {} });
    clients.push(c);
    return c;
  }

  it('answers a v2 session (encoding 4) over its limit with the rate-limit Error envelope', async () => {
    const c = client();
    const isAlive = { message_type: 'IsAlive', message: {}, credentials: USER };
    expect((await c.call(isAlive)).message_type).toBe('IsAlive');
    expect((await c.call(isAlive)).message_type).toBe('IsAlive');
    const refused = await c.call({ ...isAlive, correlation_id: 'r-3' });
    expect(refused).toMatchObject({
      message_type: 'Error',
      correlation_id: 'r-3',
      message: { code: ErrorCode.rateLimited, message: 'Rate limit exceeded: retry after 1 s' },
    });
    // The connection stays usable: a refusal is an answer, not a close.
    expect((await c.call({ message_type: 'IsAlive', message: {}, credentials: USER })).message).toMatchObject({
      code: ErrorCode.rateLimited,
    });
  });

  it('never limits legacy encodings 1 and 2 (trusted by transport)', async () => {
    const c = client();
    for (let index = 0; index < 6; index++) {
      const answer = JSON.parse((await c.request(1, Buffer.from('{"action":"block_count"}'))).toString('utf8')) as {
        count?: string;
      };
      expect(answer.count).toMatch(/^\d+$/);
    }
    const counted = dispatcher.metrics().requests.filter((r) => r.kind === 'action' && r.outcome === 'rate_limited');
    expect(counted).toEqual([]);
  });
});
