import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defaultNodeConfig, startIpcServers, type IpcServers } from '@nano-access/ipc-server';
import { createEmbeddedBackend, Dispatcher, ErrorCode, RATE_LIMITED_CODE, type Backend } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { startStandaloneGateway, type StandaloneGateway } from '@nano-access/gateway';
import { call, postJson } from '../helpers/http-client';
import { ACCESS_TEXT, LEDGER, USERS } from '../helpers/fixtures';
import { testConfig } from '../helpers/in-process';

const silent = pino({ level: 'silent' });

/**
 * The standalone gateway takes every request from its bucket before forwarding: a refused
 * request never reaches the IPC server behind it (a real one, whose dispatcher counts what it sees).
 */
describe('rate limits in the standalone gateway', () => {
  let dir: string;
  let servers: IpcServers;
  let backend: Backend;
  let upstream: Dispatcher;
  let gw: StandaloneGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-rate-'));
    const nodeConfig = defaultNodeConfig(dir);
    nodeConfig.ipc.tcp = { ...nodeConfig.ipc.tcp, enable: true, port: 0 };
    backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    upstream = new Dispatcher({ policy: PolicyStore.fromText(ACCESS_TEXT), backend });
    servers = await startIpcServers({ config: nodeConfig, dispatcher: upstream, logger: silent, dataDir: dir });
    const tcp = servers.addresses().find((a) => a.transport === 'tcp');
    if (!tcp || tcp.transport !== 'tcp') throw new Error('no tcp address');
    // A refill of one token in 1000 s: nothing refills while the test runs (the real clock).
    const config = testConfig({
      rateLimit: {
        tiers: [{ permission: 'account_query', rate: 0.001, burst: 2 }],
        defaultUser: { rate: 0.001, burst: 1 },
        maxBuckets: 100,
      },
    });
    config.process = { ...config.process, ipcPort: tcp.port, numIpcConnections: 1, ipcTimeout: 5 };
    gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
  });
  afterAll(async () => {
    await gw.close();
    await servers.close();
    upstream.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const seen = (kind: 'action' | 'message', name: string): number =>
    upstream
      .metrics()
      .requests.filter((r) => r.kind === kind && r.name === name)
      .reduce((sum, r) => sum + r.count, 0);

  it('refuses a legacy request over the limit with 429 before forwarding it', async () => {
    const key = { 'nano-api-key': USERS.accounts };
    expect((await postJson(gw.address.url, '/', { action: 'block_count' }, key)).status).toBe(200);
    expect((await postJson(gw.address.url, '/', { action: 'block_count' }, key)).status).toBe(200);
    const refused = await postJson(gw.address.url, '/', { action: 'block_count' }, key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json).toMatchObject({ code: RATE_LIMITED_CODE });
    expect(seen('action', 'block_count')).toBe(2);
  });

  it('refuses a v2 message over the limit with 429 and the Error envelope before forwarding it', async () => {
    const isAlive = { message_type: 'IsAlive', message: {} };
    const from = '127.0.0.9';
    const send = (): ReturnType<typeof call> =>
      call(gw.address.url, {
        path: '/api/v2',
        body: JSON.stringify(isAlive),
        headers: { 'content-type': 'application/json' },
        localAddress: from,
      });
    expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ message_type: 'Error', message: { code: ErrorCode.rateLimited } });
    expect(seen('message', 'IsAlive')).toBe(1);
    const metrics = (await call(gw.address.url, { method: 'GET', path: '/metrics' })).text;
    expect(metrics).toContain('nano_access_rate_limit_refused_total{scope="address"} 1\n');
    expect(metrics).toContain('nano_access_rate_limit_refused_total{scope="user"} 1\n');
    expect(metrics).toContain(
      'nano_access_gateway_local_requests_total{kind="message",name="IsAlive",outcome="rate_limited"} 1\n',
    );
  });
});
