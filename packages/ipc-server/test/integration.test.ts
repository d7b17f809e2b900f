import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeFlatbuffersEnvelope, Dispatcher, encodeFlatbuffersEnvelope } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { IpcClient } from '../src/client';
import { startIpcServers, type IpcServers } from '../src/server';
import { backendWithTrigger } from '../../protocol/test/helpers';
import { makeTempDir, silentLogger, tcpPort, testConfig, waitFor } from './helpers';

const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';

describe('the IPC server with the real dispatcher, policy store and embedded backend', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers;
  let store: PolicyStore;
  let dispatcher: Dispatcher;
  let confirm: (hash: string) => void;
  let accessFile: string;
  const clients: IpcClient[] = [];

  beforeEach(async () => {
    temp = makeTempDir();
    accessFile = path.join(temp.dir, 'config-access.toml');
    fs.writeFileSync(
      accessFile,
      '[[user]]\nid = "alice"\ndeny = "api_account_weight"\n\n[[user]]\nid = "watcher"\nallow = "api_topic_confirmation"\n',
    );
    store = await PolicyStore.open(accessFile, { watch: false });
    const made = await backendWithTrigger();
    confirm = made.confirm;
    dispatcher = new Dispatcher({ policy: store, backend: made.backend, logger: silentLogger });
    servers = await startIpcServers({
      config: testConfig(temp.dir, (c) => {
        c.ipc.local.enable = true;
      }),
      dispatcher,
      logger: silentLogger,
      dataDir: temp.dir,
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await servers.close();
    dispatcher.close();
    await store.close();
    temp.cleanup();
  });

  function client(): IpcClient {
    const c = new IpcClient({ port: tcpPort(servers), timeoutMs: 10_000, env: {} });
    clients.push(c);
    return c;
  }

  it('answers IsAlive and AccountWeight from the embedded ledger', async () => {
    const c = client();
    expect((await c.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
    const weight = await c.call({ message_type: 'AccountWeight', message: { account: ACCOUNT } });
    expect(weight.message_type).toBe('AccountWeightResponse');
    expect(weight.message).toEqual({ voting_weight: expect.stringMatching(/^\d+$/) });
  });

  it('denies a message the credentials lack, with Error code 3', async () => {
    const denied = await client().call({
      message_type: 'AccountWeight',
      message: { account: ACCOUNT },
      credentials: 'alice',
    });
    expect(denied).toMatchObject({ message_type: 'Error', message: { code: 3, message: 'Access denied' } });
  });

  it('validates envelopes: a schema violation is code 1 with the field, and the connection stays usable', async () => {
    const c = client();
    const bad = await c.call({ message_type: 'AccountWeight', message: { acount: ACCOUNT } });
    expect(bad.message_type).toBe('Error');
    expect(bad.message.code).toBe(1);
    expect(String(bad.message.message)).toMatch(/^Invalid message format: .*account/);
    const unknown = await c.call({ message_type: 'NoSuchMessage', message: {} });
    expect(unknown.message).toEqual({ code: 1, message: 'Unknown message type' });
    expect((await c.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
  });

  it('changes the next decision on the same connection after a policy reload', async () => {
    const c = client();
    const request = { message_type: 'AccountWeight', message: { account: ACCOUNT }, credentials: 'alice' };
    expect((await c.call(request)).message_type).toBe('Error');
    fs.writeFileSync(accessFile, '[[user]]\nid = "alice"\nallow = "api_account_weight"\n');
    expect((await store.reload()).outcome).toBe('reloaded');
    expect((await c.call(request)).message_type).toBe('AccountWeightResponse');
  });

  it('serves legacy actions over encoding 1 and refuses unsafe ones', async () => {
    const c = client();
    const count = await c.legacy({ action: 'block_count' });
    expect(count.count).toMatch(/^\d+$/);
    expect(await c.legacy({ action: 'stop' })).toEqual({ error: 'Unsafe RPC not allowed' });
    expect(await c.legacy({ action: 'no_such_action' })).toEqual({ error: 'Unknown command' });
  });

  it('pushes EventConfirmation to a TopicConfirmation subscriber between its answers', async () => {
    const watcher = client();
    const events: Array<{ message_type: string; message: Record<string, unknown> }> = [];
    watcher.on('event', (event) => events.push(event));
    const subscribed = await watcher.call({ message_type: 'TopicConfirmation', message: {}, credentials: 'watcher' });
    expect(subscribed.message_type).toBe('EventAck');
    confirm('A'.repeat(64));
    await waitFor(() => events.length === 1, 10_000, 'the confirmation event');
    expect(events[0].message_type).toBe('EventConfirmation');
    // Answers still match requests with events interleaved.
    expect((await watcher.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
  });

  it('does not subscribe a client that lacks api_topic_confirmation, and pushes it nothing', async () => {
    const other = client();
    const events: unknown[] = [];
    other.on('event', (event) => events.push(event));
    const denied = await other.call({ message_type: 'TopicConfirmation', message: {}, credentials: 'alice' });
    expect(denied.message).toMatchObject({ code: 3 });
    const watcher = client();
    const seen: unknown[] = [];
    watcher.on('event', (event) => seen.push(event));
    await watcher.call({ message_type: 'TopicConfirmation', message: {}, credentials: 'watcher' });
    confirm('B'.repeat(64));
    await waitFor(() => seen.length === 1, 10_000, 'the watcher event');
    expect((await other.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
    expect(events).toEqual([]);
  });

  it('drops the subscriptions of a closed connection', async () => {
    const watcher = client();
    await watcher.call({ message_type: 'TopicConfirmation', message: {}, credentials: 'watcher' });
    expect(dispatcher.metrics().subscriptions).toMatchObject({ confirmationSubscribers: 1 });
    await watcher.close();
    await waitFor(() => servers.connectionCount() === 0, 10_000, 'the connection to close');
    expect(() => confirm('C'.repeat(64))).not.toThrow();
    expect(dispatcher.metrics().subscriptions).toMatchObject({ sessions: 0, confirmationSubscribers: 0 });
  });

  it('pushes events as flatbuffers Envelopes to a client that subscribed over encoding 3', async () => {
    const c = client();
    const events: Array<{ message_type: string; message: Record<string, unknown> }> = [];
    c.on('event', (event) => events.push(event));
    const subscribe = encodeFlatbuffersEnvelope({
      message_type: 'TopicConfirmation',
      message: {},
      credentials: 'watcher',
    });
    const ack = decodeFlatbuffersEnvelope(await c.request(3, subscribe));
    expect(ack.ok && ack.value.message_type).toBe('EventAck');
    confirm('D'.repeat(64));
    await waitFor(() => events.length === 1, 10_000, 'the flatbuffers event');
    expect(events[0].message_type).toBe('EventConfirmation');
    expect(events[0].message).toMatchObject({ hash: 'D'.repeat(64) });
    // Answers still come back as answers.
    const alive = decodeFlatbuffersEnvelope(
      await c.request(3, encodeFlatbuffersEnvelope({ message_type: 'IsAlive', message: {} })),
    );
    expect(alive.ok && alive.value.message_type).toBe('IsAlive');
  });

  it('speaks encoding 3 (flatbuffers) end to end', async () => {
    const c = client();
    const request = encodeFlatbuffersEnvelope({ message_type: 'AccountWeight', message: { account: ACCOUNT } });
    const answer = decodeFlatbuffersEnvelope(await c.request(3, request));
    expect(answer.ok).toBe(true);
    expect(answer.ok && answer.value.message_type).toBe('AccountWeightResponse');
  });
});
