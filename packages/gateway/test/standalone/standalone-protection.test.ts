import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defaultNodeConfig, startIpcServers, type IpcServers } from '@nano-access/ipc-server';
import { createEmbeddedBackend, Dispatcher, type Backend } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { startStandaloneGateway, type StandaloneGateway } from '@nano-access/gateway';
import { call, postJson } from '../helpers/http-client';
import { ACCESS_TEXT, LEDGER, USERS } from '../helpers/fixtures';
import { ledgerAccount, testConfig } from '../helpers/in-process';

const silent = pino({ level: 'silent' });

/**
 * The standalone gateway authorizes legacy actions itself and forwards them over IPC: the caps
 * and the cache sit on that path too (after its authorization), in front of a real IPC server.
 */
describe('response caps and the cache in the standalone gateway', () => {
  let dir: string;
  let servers: IpcServers;
  let backend: Backend;
  let ipcDispatcher: Dispatcher;
  let gw: StandaloneGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-protect-'));
    const nodeConfig = defaultNodeConfig(dir);
    nodeConfig.ipc.tcp = { ...nodeConfig.ipc.tcp, enable: true, port: 0 };
    backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    ipcDispatcher = new Dispatcher({ policy: PolicyStore.fromText(ACCESS_TEXT), backend });
    servers = await startIpcServers({ config: nodeConfig, dispatcher: ipcDispatcher, logger: silent, dataDir: dir });
    const tcp = servers.addresses().find((a) => a.transport === 'tcp');
    if (!tcp || tcp.transport !== 'tcp') throw new Error('no tcp address');
    const config = testConfig({
      responseCaps: { enable: true, mode: 'refuse', maxCount: 10, countByAction: {}, maxAccounts: 2, maxHashes: 2 },
      cache: { enable: true, ttl: { block_count: 60 }, maxEntries: 10, maxBytes: 1 << 20 },
    });
    config.process = { ...config.process, ipcPort: tcp.port, numIpcConnections: 1, ipcTimeout: 5 };
    gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
  });
  afterAll(async () => {
    await gw.close();
    await servers.close();
    ipcDispatcher.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the second block_count from the cache, and a caller without the permission "Access denied"', async () => {
    const key = { 'nano-api-key': USERS.accounts };
    const first = await postJson(gw.address.url, '/', { action: 'block_count' }, key);
    const second = await postJson(gw.address.url, '/', { action: 'block_count' }, key);
    expect(first.json).toMatchObject({ count: expect.any(String) });
    expect(second.json).toEqual(first.json);
    const denied = await postJson(gw.address.url, '/', { action: 'block_count' }, { 'nano-api-key': USERS.ops });
    expect(denied.json).toEqual({ error: 'Access denied' });
    const metrics = (await call(gw.address.url, { method: 'GET', path: '/metrics' })).text;
    expect(metrics).toContain('nano_access_gateway_cache_hits_total{action="block_count"} 1');
    expect(metrics).toContain('nano_access_gateway_cache_misses_total{action="block_count"} 1');
    // The IPC server behind saw one block_count.
    const seen = ipcDispatcher.metrics().requests.filter((r) => r.kind === 'action' && r.name === 'block_count');
    expect(seen.reduce((sum, r) => sum + r.count, 0)).toBe(1);
  });

  it('refuses a count over the cap before forwarding it', async () => {
    const answer = await postJson(
      gw.address.url,
      '/',
      { action: 'account_history', account: ledgerAccount().account, count: '-1' },
      { 'nano-api-key': USERS.accounts },
    );
    expect(answer.json).toMatchObject({ code: 'NA_PROTOCOL_COUNT_OVER_CAP' });
    const seen = ipcDispatcher.metrics().requests.filter((r) => r.kind === 'action' && r.name === 'account_history');
    expect(seen).toEqual([]);
  });
});
