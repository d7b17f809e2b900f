import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  decodeFlatbuffersEnvelope,
  Dispatcher,
  encodeFlatbuffersEnvelope,
  type Backend,
  type ResponseEnvelope,
} from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { IpcClient } from '../src/client';
import { parseNodeConfig } from '../src/node-config';
import { startIpcServers, type IpcServers } from '../src/server';
import { backendWithTrigger } from '../../protocol/test/helpers';
import { makeTempDir, silentLogger, tcpPort, testConfig, waitFor } from './helpers';

const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
const WATCHER = 'watcher-6d2a9f41-3c7e-4b18-a5d0-8e1f2b7c9a35';
const GRANTED = `[[user]]\nid = "${WATCHER}"\nallow = "api_topic_confirmation, service"\n`;
const REVOKED = `[[user]]\nid = "${WATCHER}"\nallow = "api_account_weight"\n`;

describe("the IPC server when a reload revokes a subscriber's key (real file, real sockets)", () => {
  let temp: ReturnType<typeof makeTempDir>;
  let accessFile: string;
  let store: PolicyStore;
  let backend: Backend;
  let confirm: (hash: string) => void;
  let dispatcher: Dispatcher;
  let servers: IpcServers;
  const clients: IpcClient[] = [];

  async function start(nodeToml = ''): Promise<void> {
    temp = makeTempDir();
    accessFile = path.join(temp.dir, 'config-access.toml');
    fs.writeFileSync(accessFile, GRANTED, { mode: 0o600 });
    store = await PolicyStore.open(accessFile, { watch: false });
    ({ backend, confirm } = await backendWithTrigger());
    const parsed = parseNodeConfig(`[node.ipc.tcp]\nenable = true\nport = 0\n${nodeToml}`, {
      file: 'config-node.toml',
      dataDir: temp.dir,
    });
    expect(parsed.diagnostics).toEqual([]);
    const config = testConfig(
      temp.dir,
      (c) => (c.ipc.maxServicesPerConnection = parsed.config!.ipc.maxServicesPerConnection),
    );
    dispatcher = new Dispatcher({
      policy: store,
      backend,
      logger: silentLogger,
      maxServicesPerSession: config.ipc.maxServicesPerConnection,
    });
    servers = await startIpcServers({ config, dispatcher, logger: silentLogger, dataDir: temp.dir });
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await servers.close();
    dispatcher.close();
    await backend.close();
    await store.close();
    temp.cleanup();
  });

  function client(): { client: IpcClient; events: ResponseEnvelope[] } {
    const c = new IpcClient({ port: tcpPort(servers), timeoutMs: 10_000, env: {} });
    clients.push(c);
    const events: ResponseEnvelope[] = [];
    c.on('event', (event) => events.push(event));
    return { client: c, events };
  }

  async function revoke(): Promise<void> {
    fs.writeFileSync(accessFile, REVOKED);
    expect((await store.reload('signal')).outcome).toBe('reloaded');
  }

  it('pushes one Error (code 3) naming each revoked topic, then no more events; the connection stays and is checked as usual', async () => {
    await start();
    const { client: c, events } = client();
    expect(
      (await c.call({ message_type: 'TopicConfirmation', message: {}, credentials: WATCHER, correlation_id: 'conf' }))
        .message_type,
    ).toBe('EventAck');
    expect(
      (
        await c.call({
          message_type: 'ServiceRegister',
          message: { service_name: 'wallet-backend' },
          credentials: WATCHER,
          correlation_id: 'reg',
        })
      ).message_type,
    ).toBe('Success');
    expect(
      (await c.call({ message_type: 'TopicServiceStop', message: {}, credentials: WATCHER, correlation_id: 'stop' }))
        .message_type,
    ).toBe('EventAck');
    confirm('A'.repeat(64));
    await waitFor(() => events.length === 1, 10_000, 'the first confirmation');
    expect(events[0].message_type).toBe('EventConfirmation');

    await revoke();
    await waitFor(() => events.length === 4, 10_000, 'the revocations');
    expect(events.slice(1).map((e) => [e.message_type, e.correlation_id, e.message])).toEqual([
      ['Error', 'conf', { code: 3, message: 'Access denied: TopicConfirmation revoked by a policy change' }],
      ['Error', 'stop', { code: 3, message: 'Access denied: TopicServiceStop revoked by a policy change' }],
      [
        'Error',
        'reg',
        { code: 3, message: 'Access denied: ServiceRegister "wallet-backend" revoked by a policy change' },
      ],
    ]);

    // No more events of those topics.
    confirm('B'.repeat(64));
    const stopper = client().client;
    fs.writeFileSync(
      accessFile,
      `${REVOKED}\n[[user]]\nid = "stopper-1b3d5f7a-9c2e-4a6b-8d0f-1e3a5c7b9d2f"\nallow = "service"\n`,
    );
    expect((await store.reload('signal')).outcome).toBe('reloaded');
    expect(
      (
        await stopper.call({
          message_type: 'ServiceStop',
          message: { service_name: 'wallet-backend' },
          credentials: 'stopper-1b3d5f7a-9c2e-4a6b-8d0f-1e3a5c7b9d2f',
        })
      ).message_type,
    ).toBe('Success');
    // The same connection still answers, in order, and a new subscription is checked against the new policy.
    expect((await c.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
    expect((await c.call({ message_type: 'TopicConfirmation', message: {}, credentials: WATCHER })).message).toEqual({
      code: 3,
      message: 'Access denied',
    });
    expect(
      (await c.call({ message_type: 'AccountWeight', message: { account: ACCOUNT }, credentials: WATCHER }))
        .message_type,
    ).toBe('AccountWeightResponse');
    expect(events).toHaveLength(4);
    expect(dispatcher.metrics().subscriptions).toMatchObject({
      confirmationSubscribers: 0,
      serviceStopSubscribers: 0,
      services: 0,
    });
    expect(servers.connectionCount()).toBe(2);
  });

  it('frames the revocation like the events it replaces: a flatbuffers Envelope for an encoding-3 subscriber', async () => {
    await start();
    const { client: c, events } = client();
    const ack = decodeFlatbuffersEnvelope(
      await c.request(
        3,
        encodeFlatbuffersEnvelope({
          message_type: 'TopicConfirmation',
          message: {},
          credentials: WATCHER,
          correlation_id: 'fb',
        }),
      ),
    );
    expect(ack.ok && ack.value.message_type).toBe('EventAck');
    await revoke();
    await waitFor(() => events.length === 1, 10_000, 'the flatbuffers revocation');
    expect(events[0]).toMatchObject({
      message_type: 'Error',
      correlation_id: 'fb',
      message: { code: 3, message: 'Access denied: TopicConfirmation revoked by a policy change' },
    });
    confirm('C'.repeat(64));
    const alive = decodeFlatbuffersEnvelope(
      await c.request(3, encodeFlatbuffersEnvelope({ message_type: 'IsAlive', message: {} })),
    );
    expect(alive.ok && alive.value.message_type).toBe('IsAlive');
    expect(events).toHaveLength(1);
  });

  it('caps the service names one connection holds at [node.ipc] max_services_per_connection', async () => {
    await start('\n[node.ipc]\nmax_services_per_connection = 2\n');
    const { client: c } = client();
    const register = (name: string, on = c) =>
      on.call({ message_type: 'ServiceRegister', message: { service_name: name }, credentials: WATCHER });
    expect((await register('a')).message_type).toBe('Success');
    expect((await register('b')).message_type).toBe('Success');
    expect((await register('c')).message).toEqual({
      code: 1,
      message: 'Too many services registered on this session: max_services_per_connection (2)',
    });
    expect((await register('b')).message_type).toBe('Success');
    expect((await register('c', client().client)).message_type).toBe('Success');
    expect(dispatcher.metrics().subscriptions.services).toBe(3);
  });
});
