import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defaultNodeConfig, startIpcServers, type IpcServers } from '@nano-access/ipc-server';
import { createEmbeddedBackend, Dispatcher, type Backend } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { startStandaloneGateway, type StandaloneGateway } from '@nano-access/gateway';
import { postJson } from '../helpers/http-client';
import { LEDGER } from '../helpers/fixtures';
import { testConfig } from '../helpers/in-process';

const silent = pino({ level: 'silent' });
const STOPPER = 'stopper-4b1e7a2c-9d36-4f80-b5c1-e2a7d90f3c68';
const ACCESS = `[[user]]\nid = "${STOPPER}"\nallow = "service, api_stop"\nbare = true\n`;

/**
 * ServiceStop "node" through the standalone gateway: the IPC server behind it allows unsafe and
 * the caller holds api_stop, so only the gateway's own enable_control stands in the way.
 */
describe('the standalone gateway and ServiceStop "node"', () => {
  let dir: string;
  let servers: IpcServers;
  let backend: Backend;
  let dispatcher: Dispatcher;
  let port: number;
  const stops: string[] = [];
  const gateways: StandaloneGateway[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-stop-'));
    const config = defaultNodeConfig(dir);
    config.ipc.tcp = { ...config.ipc.tcp, enable: true, port: 0, allowUnsafe: true };
    backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    dispatcher = new Dispatcher({ policy: PolicyStore.fromText(ACCESS), backend });
    stops.length = 0;
    dispatcher.onStop((reason) => stops.push(reason));
    servers = await startIpcServers({ config, dispatcher, logger: silent, dataDir: dir });
    const tcp = servers.addresses().find((a) => a.transport === 'tcp');
    if (!tcp || tcp.transport !== 'tcp') throw new Error('no tcp address');
    port = tcp.port;
  });
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
    await servers.close();
    dispatcher.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function gateway(enableControl: boolean): Promise<string> {
    const config = testConfig({ enableControl });
    config.process = { ...config.process, ipcPort: port, numIpcConnections: 1, ipcTimeout: 5 };
    const started = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS), logger: silent });
    gateways.push(started);
    return started.address.url;
  }

  it('refuses it with code 3 (HTTP 200) while enable_control is off, in both v2 forms, and forwards nothing', async () => {
    const url = await gateway(false);
    const bare = await postJson(
      url,
      '/api/v2/ServiceStop',
      { service_name: 'node' },
      { 'Nano-Api-Key': STOPPER, 'Nano-Correlation-Id': 'c-7' },
    );
    expect(bare.status).toBe(200);
    expect(bare.json).toMatchObject({
      message_type: 'Error',
      correlation_id: 'c-7',
      message: { code: 3, message: 'Access denied' },
    });
    const wrapped = await postJson(url, '/api/v2', {
      credentials: STOPPER,
      message_type: 'ServiceStop',
      message: { service_name: 'node' },
    });
    expect(wrapped.status).toBe(200);
    expect(wrapped.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
    expect(stops).toEqual([]);
    expect(dispatcher.metrics().requests.filter((r) => r.name === 'ServiceStop')).toEqual([]);
    // Other names are not a control action: forwarded as before.
    const other = await postJson(
      url,
      '/api/v2/ServiceStop',
      { service_name: 'wallet-backend' },
      { 'Nano-Api-Key': STOPPER },
    );
    expect(other.json).toMatchObject({ message_type: 'Success' });
  });

  it('forwards it with enable_control on, and the IPC server stops', async () => {
    const url = await gateway(true);
    const answer = await postJson(url, '/api/v2/ServiceStop', { service_name: 'node' }, { 'Nano-Api-Key': STOPPER });
    expect(answer.json).toMatchObject({ message_type: 'Success' });
    expect(stops).toEqual(['ServiceStop node']);
  });
});
