import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ErrorCode } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { GatewayErrorCode, startStandaloneGateway, type StandaloneGateway } from '@nano-access/gateway';
import { testConfig } from '../helpers/in-process';
import { IpcServerUnderTest } from '../helpers/ipc-server';
import { hashOf, TestSocket } from '../helpers/ws-client';

const silent = pino({ level: 'silent' });
const GATEWAY_KEY = 'gateway-upstream-2c9e4f70-1d3b-4a86-b5e2-7f0a9c1d3e58';
const WATCHER = 'watcher-6d2a9f41-3c7e-4b18-a5d0-8e1f2b7c9a35';
const READER = 'reader-0b7e3c52-9a14-4d8f-b6e1-3f2a7c9d0e48';
/** The IPC server knows only the gateway's own key; the sockets' users are the gateway's policy. */
const IPC_ACCESS = `[[user]]\nid = "${GATEWAY_KEY}"\nallow = "api_topic_confirmation"\n`;
const GATEWAY_ACCESS = `[[user]]\nid = "${WATCHER}"\nallow = "api_topic_confirmation"\n\n[[user]]\nid = "${READER}"\nallow = "api_account_weight"\n`;

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the standalone gateway fans one upstream TopicConfirmation out to WebSocket subscribers', () => {
  let dir: string;
  let ipc: IpcServerUnderTest;
  let gw: StandaloneGateway;
  let accessFile: string;
  let wsUrl: string;
  const sockets: TestSocket[] = [];

  async function startGateway(credentialsFile: string): Promise<StandaloneGateway> {
    const config = testConfig();
    config.process = { ...config.process, ipcPort: ipc.port, numIpcConnections: 1, ipcTimeout: 5 };
    config.websocket = { ...config.websocket, upstreamCredentialsFile: credentialsFile };
    const store = await PolicyStore.open(accessFile, { watch: false });
    return startStandaloneGateway({ config, store, logger: silent, upstreamBackoffMs: 50 });
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-ws-standalone-'));
    accessFile = join(dir, 'config-access.toml');
    writeFileSync(accessFile, GATEWAY_ACCESS, { mode: 0o600 });
    writeFileSync(join(dir, 'upstream-key'), `${GATEWAY_KEY}\n`, { mode: 0o600 });
    ipc = new IpcServerUnderTest(dir, IPC_ACCESS);
    await ipc.start();
    gw = await startGateway(join(dir, 'upstream-key'));
    wsUrl = `${gw.address.url.replace(/^http/, 'ws')}/api/v2/ws`;
  });

  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await gw.close();
    await gw.store.close();
    await ipc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function subscribed(key: string): Promise<TestSocket> {
    const socket = new TestSocket(wsUrl, { headers: { 'Nano-Api-Key': key } });
    sockets.push(socket);
    await socket.opened;
    socket.send({ action: 'subscribe', topic: 'confirmation', ack: true, id: key.slice(0, 6) });
    return socket;
  }

  it('holds one upstream subscription for many sockets, and delivers to those the gateway policy allows', async () => {
    expect(ipc.upstreamSubscribers()).toBe(0); // nothing upstream before the first subscription
    const first = await subscribed(WATCHER);
    expect(await first.next()).toMatchObject({ ack: 'subscribe' });
    const second = await subscribed(WATCHER);
    expect(await second.next()).toMatchObject({ ack: 'subscribe' });
    const refused = await subscribed(READER);
    expect((await refused.next()).message).toMatchObject({ code: ErrorCode.accessDenied });
    await until(() => ipc.upstreamSubscribers() === 1);
    ipc.confirm(hashOf(1));
    expect((await first.next()).message).toMatchObject({ hash: hashOf(1), confirmation_type: 'active_quorum' });
    expect((await second.next()).message).toMatchObject({ hash: hashOf(1) });
    expect(await refused.drain()).toEqual([]);
    expect(ipc.upstreamSubscribers()).toBe(1);
  });

  it('tells subscribers when the upstream drops, reconnects with backoff, and says when it is back', async () => {
    const socket = await subscribed(WATCHER);
    await socket.next();
    await until(() => ipc.upstreamSubscribers() === 1);
    await ipc.stop();
    const lost = await socket.next();
    expect(lost).toMatchObject({ topic: 'error', message: { code: ErrorCode.exception, topic: 'confirmation' } });
    expect(String(lost.message?.message)).toContain('Upstream subscription lost');
    await ipc.start(); // same port
    expect(await socket.next()).toMatchObject({ topic: 'notice', message: { topic: 'confirmation' } });
    ipc.confirm(hashOf(2));
    expect((await socket.next()).message).toMatchObject({ hash: hashOf(2) });
    expect(gw.gateway.metricsText()).toContain('nano_access_gateway_ws_upstream_drops_total 1');
  });

  it("re-checks the sockets' subscriptions against the gateway's policy on reload", async () => {
    const socket = await subscribed(WATCHER);
    await socket.next();
    writeFileSync(
      accessFile,
      GATEWAY_ACCESS.replace('allow = "api_topic_confirmation"', 'allow = "api_account_weight"'),
    );
    expect((await gw.store.reload('signal')).outcome).toBe('reloaded');
    expect((await socket.next()).message).toMatchObject({ code: ErrorCode.accessDenied, topic: 'confirmation' });
    await until(() => ipc.upstreamSubscribers() === 1);
    ipc.confirm(hashOf(3));
    expect(await socket.drain()).toEqual([]);
  });

  it('tells subscribers when the IPC server refuses the gateway its own subscription', async () => {
    await gw.close();
    await gw.store.close();
    writeFileSync(join(dir, 'other-key'), 'not-a-configured-key-8e1f2b7c9a35\n', { mode: 0o600 });
    gw = await startGateway(join(dir, 'other-key'));
    wsUrl = `${gw.address.url.replace(/^http/, 'ws')}/api/v2/ws`;
    const socket = await subscribed(WATCHER);
    expect(await socket.next()).toMatchObject({ ack: 'subscribe' });
    expect((await socket.next()).message).toMatchObject({ code: ErrorCode.exception, topic: 'confirmation' });
  });

  it('does not start when upstream_credentials_file cannot be read or is empty', async () => {
    await expect(startGateway(join(dir, 'missing'))).rejects.toMatchObject({
      code: GatewayErrorCode.wsCredentialsUnreadable,
    });
    writeFileSync(join(dir, 'empty'), '', { mode: 0o600 });
    await expect(startGateway(join(dir, 'empty'))).rejects.toMatchObject({
      code: GatewayErrorCode.wsCredentialsUnreadable,
    });
  });
});
