import * as fs from 'node:fs';
import * as path from 'node:path';
import { createEmbeddedBackend, Dispatcher } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { startIpcServers, type IpcServers } from '../src/server';
import { makeTempDir, silentLogger, tcpPort, testConfig } from './helpers';
// The published npm client, as wallets use it (a devDependency).
const { Client } = require('nano-ipc') as { Client: new (path: unknown, options?: object) => NanoIpcClient };

interface NanoIpcClient {
  connect(): Promise<void>;
  call(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  disconnect(): Promise<void>;
}

const LEDGER = path.resolve(__dirname, '../../../fixtures/data/ledger.json');
const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';

describe('interoperability with the nano-ipc@2.0.0 npm client', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers;
  let dispatcher: Dispatcher;
  let socketPath: string;

  beforeAll(() => {
    // nano-ipc logs "Connected to IPC!" with console.log.
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  beforeEach(async () => {
    temp = makeTempDir();
    socketPath = path.join(temp.dir, 'nano.sock');
    const backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    dispatcher = new Dispatcher({ policy: PolicyStore.fromText(''), backend, logger: silentLogger });
    servers = await startIpcServers({
      config: testConfig(temp.dir, (c) => {
        c.ipc.local.enable = true;
        c.ipc.local.path = socketPath;
      }),
      dispatcher,
      logger: silentLogger,
      dataDir: temp.dir,
    });
  });
  afterEach(async () => {
    await servers.close();
    dispatcher.close();
    temp.cleanup();
  });

  async function exercise(client: NanoIpcClient): Promise<void> {
    await client.connect();
    try {
      const count = await client.call({ action: 'block_count' });
      expect(count.count).toMatch(/^\d+$/);
      const weight = await client.call({ action: 'account_weight', account: ACCOUNT });
      expect(weight.weight).toMatch(/^\d+$/);
      // Queued concurrently: nano-ipc serialises them; each gets its own answer.
      const [balance, version] = await Promise.all([
        client.call({ action: 'account_balance', account: ACCOUNT }),
        client.call({ action: 'version' }),
      ]);
      expect(balance.balance).toMatch(/^\d+$/);
      expect(version.node_vendor).toEqual(expect.any(String));
      expect(await client.call({ action: 'account_info', account: 'nano_1bad' })).toEqual({
        error: 'Bad account number',
      });
      expect(await client.call({ action: 'stop' })).toEqual({ error: 'Unsafe RPC not allowed' });
    } finally {
      await client.disconnect();
    }
  }

  it('answers it over the unix socket', async () => {
    expect(fs.lstatSync(socketPath).isSocket()).toBe(true);
    await exercise(new Client(socketPath));
  });

  it('answers it over TCP', async () => {
    await exercise(new Client({ host: '127.0.0.1', port: tcpPort(servers) }));
  });
});
