import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { generate } from 'selfsigned';
import { Dispatcher, ErrorCode, ErrorMessage, type Backend } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { createGateway, type Gateway, type RpcConfig } from '@nano-access/gateway';
import { call } from '../helpers/http-client';
import { testConfig } from '../helpers/in-process';
import { backendWithTrigger } from '../../../protocol/test/helpers';
import { hashOf, TestSocket, upgradeStatus } from '../helpers/ws-client';

const silent = pino({ level: 'silent' });
const WATCHER = 'watcher-6d2a9f41-3c7e-4b18-a5d0-8e1f2b7c9a35';
const READER = 'reader-0b7e3c52-9a14-4d8f-b6e1-3f2a7c9d0e48';
const GRANTED = `[[user]]\nid = "${WATCHER}"\nallow = "api_topic_confirmation"\n\n[[user]]\nid = "${READER}"\nallow = "api_account_weight"\n`;
const REVOKED = `[[user]]\nid = "${WATCHER}"\nallow = "api_account_weight"\n\n[[user]]\nid = "${READER}"\nallow = "api_account_weight"\n`;

describe('WebSocket subscriptions at /api/v2/ws (in process, real sockets)', () => {
  let dir: string;
  let accessFile: string;
  let store: PolicyStore;
  let backend: Backend;
  let confirm: (hash: string) => void;
  let dispatcher: Dispatcher;
  let gateway: Gateway;
  let url: string;
  let wsUrl: string;
  /** What the gateway logged, at every level. */
  let logged: Array<Record<string, unknown>>;
  const sockets: TestSocket[] = [];

  async function start(
    websocket: Partial<RpcConfig['websocket']> = {},
    overrides: Partial<RpcConfig> = {},
  ): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-ws-'));
    accessFile = join(dir, 'config-access.toml');
    writeFileSync(accessFile, GRANTED, { mode: 0o600 });
    store = await PolicyStore.open(accessFile, { watch: false });
    ({ backend, confirm } = await backendWithTrigger());
    dispatcher = new Dispatcher({ policy: store, backend, logger: silent });
    const config = testConfig(overrides);
    config.websocket = { ...config.websocket, ...websocket };
    logged = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    gateway = createGateway({ dispatcher, store, config, logger, closeGraceMs: 200 });
    url = (await gateway.listen()).url;
    wsUrl = `${url.replace(/^http/, 'ws')}/api/v2/ws`;
  }

  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await gateway.close();
    dispatcher.close();
    await backend.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(headers: Record<string, string> = {}, target = wsUrl): Promise<TestSocket> {
    const socket = new TestSocket(target, { headers });
    sockets.push(socket);
    await socket.opened;
    return socket;
  }

  const subscribe = { action: 'subscribe', topic: 'confirmation', ack: true, id: 'sub-1' };
  /** A WebSocket upgrade request's headers, for reading a refusal's body with a plain HTTP call. */
  const upgradeHeaders = {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  };

  it('acknowledges an allowed subscription and delivers each confirmation as the node does', async () => {
    await start();
    const socket = await open({ 'Nano-Api-Key': WATCHER });
    socket.send(subscribe);
    const ack = await socket.next();
    expect(ack).toEqual({ ack: 'subscribe', id: 'sub-1', time: expect.any(Number) });
    confirm(hashOf(1));
    const event = await socket.next();
    expect(event).toMatchObject({ topic: 'confirmation', time: expect.any(Number) });
    expect(event.message).toMatchObject({ hash: hashOf(1), confirmation_type: 'active_quorum', amount: '1' });
    expect(Object.keys(event).sort()).toEqual(['message', 'time', 'topic']);
  });

  it('refuses a subscription without api_topic_confirmation with code 3, and the socket stays open', async () => {
    await start();
    const socket = await open({ 'Nano-Api-Key': READER });
    socket.send(subscribe);
    const refusal = await socket.next();
    expect(refusal).toMatchObject({
      topic: 'error',
      id: 'sub-1',
      message: { code: ErrorCode.accessDenied, message: ErrorMessage.accessDenied, topic: 'confirmation' },
    });
    confirm(hashOf(2));
    expect(await socket.drain()).toEqual([]); // open, answering, and no event leaked
  });

  it('refuses the default user and an unknown key alike when they lack the permission', async () => {
    await start();
    const anonymous = await open();
    anonymous.send(subscribe);
    expect((await anonymous.next()).message).toMatchObject({ code: ErrorCode.accessDenied });
    const stranger = await open({ 'Nano-Api-Key': 'no-such-user-5d1c0e2f-7a3b-4c69-8e0d-1b2a3c4d5e6f' });
    stranger.send(subscribe);
    expect((await stranger.next()).message).toMatchObject({ code: ErrorCode.accessDenied });
  });

  it('takes the key from Authorization: Bearer as the HTTP API does', async () => {
    await start();
    const socket = await open({ Authorization: `Bearer ${WATCHER}` });
    socket.send(subscribe);
    expect(await socket.next()).toMatchObject({ ack: 'subscribe' });
  });

  it('refuses an upgrade whose credential sources disagree (403)', async () => {
    await start();
    await expect(open({ 'Nano-Api-Key': WATCHER, Authorization: `Bearer ${READER}` })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('takes credentials from a first {"credentials"} message (browsers cannot set headers)', async () => {
    await start();
    const socket = await open();
    socket.send({ credentials: WATCHER });
    expect(await socket.next()).toMatchObject({ ack: 'credentials' });
    socket.send(subscribe);
    expect(await socket.next()).toMatchObject({ ack: 'subscribe' });
    confirm(hashOf(3));
    expect((await socket.next()).message).toMatchObject({ hash: hashOf(3) });
    // Later, the caller cannot change who it is.
    socket.send({ credentials: READER });
    expect((await socket.next()).message).toMatchObject({ code: ErrorCode.generic });
  });

  it('closes a socket whose first message names another key than its upgrade did', async () => {
    await start();
    const socket = await open({ 'Nano-Api-Key': READER });
    socket.send({ credentials: WATCHER });
    expect((await socket.next()).message).toMatchObject({ code: ErrorCode.accessDenied });
    expect((await socket.closedWith).code).toBe(1008);
  });

  it('closes a socket without credentials that sends nothing within credentials_timeout', async () => {
    await start({ credentialsTimeout: 0.2 });
    const silentSocket = await open();
    expect((await silentSocket.closedWith).code).toBe(1008);
    // One that presented a key on the upgrade is not timed out.
    const keyed = await open({ 'Nano-Api-Key': WATCHER });
    await new Promise((r) => setTimeout(r, 400));
    expect(await keyed.drain()).toEqual([]);
    expect(await call(url, { path: '/metrics', method: 'GET' }).then((r) => r.text)).toContain(
      'nano_access_gateway_ws_closed_total{reason="credentials_timeout"} 1',
    );
  });

  it('answers an unsupported topic with an error naming it, and stays open', async () => {
    await start();
    const socket = await open({ 'Nano-Api-Key': WATCHER });
    socket.send({ action: 'subscribe', topic: 'vote', ack: true, id: 'v' });
    const answer = await socket.next();
    expect(answer).toMatchObject({ topic: 'error', id: 'v', message: { code: ErrorCode.generic } });
    expect(String(answer.message?.message)).toContain('Unsupported topic: "vote"');
    socket.send('not json');
    expect(String((await socket.next()).message?.message)).toContain(ErrorMessage.invalidFormatPrefix);
    socket.send({ action: 'update', topic: 'confirmation' });
    expect(String((await socket.next()).message?.message)).toContain('Unsupported action');
    socket.send(subscribe);
    expect(await socket.next()).toMatchObject({ ack: 'subscribe' });
  });

  it('answers ping with pong (and its id)', async () => {
    await start();
    const socket = await open();
    socket.send({ action: 'ping', id: 'p1' });
    expect(await socket.next()).toEqual({ ack: 'pong', id: 'p1', time: expect.any(Number) });
  });

  it('passes the node WebSocket options through as filters (accounts, confirmation_type)', async () => {
    await start();
    const socket = await open({ 'Nano-Api-Key': WATCHER });
    socket.send({ ...subscribe, options: { confirmation_type: 'inactive' } });
    expect(await socket.next()).toMatchObject({ ack: 'subscribe' });
    confirm(hashOf(4)); // active_quorum: filtered out
    expect(await socket.drain()).toEqual([]);
    socket.send({ ...subscribe, options: { accounts: ['nano_not-an-account'] } });
    expect((await socket.next()).message).toMatchObject({ code: ErrorCode.badAccountNumber });
    socket.send({ ...subscribe, options: { include_sideband_info: true } });
    expect(String((await socket.next()).message?.message)).toContain('Unsupported option');
  });

  it('stops the events on unsubscribe', async () => {
    await start();
    const socket = await open({ 'Nano-Api-Key': WATCHER });
    socket.send(subscribe);
    await socket.next();
    socket.send({ action: 'unsubscribe', topic: 'confirmation', ack: true, id: 'u' });
    expect(await socket.next()).toEqual({ ack: 'unsubscribe', id: 'u', time: expect.any(Number) });
    confirm(hashOf(5));
    expect(await socket.drain()).toEqual([]);
  });

  it('drops a subscription whose key lost the permission on reload, saying so; the socket stays', async () => {
    await start();
    const socket = await open({ 'Nano-Api-Key': WATCHER });
    socket.send(subscribe);
    await socket.next();
    writeFileSync(accessFile, REVOKED);
    expect((await store.reload('signal')).outcome).toBe('reloaded');
    const revoked = await socket.next();
    expect(revoked).toMatchObject({
      topic: 'error',
      message: {
        code: ErrorCode.accessDenied,
        message: 'Access denied: confirmation revoked by a policy change',
        topic: 'confirmation',
      },
    });
    confirm(hashOf(6));
    expect(await socket.drain()).toEqual([]);
    socket.send(subscribe);
    expect((await socket.next()).message).toMatchObject({ code: ErrorCode.accessDenied });
  });

  it('refuses upgrades past max_sockets with 503, and takes them again once one closes', async () => {
    await start({ maxSockets: 2 });
    const first = await open();
    await open();
    await expect(open()).rejects.toMatchObject({ status: 503 });
    const refused = await call(url, { method: 'GET', path: '/api/v2/ws', headers: upgradeHeaders });
    expect([refused.status, refused.json]).toEqual([
      503,
      { error: 'Too many WebSocket connections', code: 'NA_GATEWAY_WS_TOO_MANY_SOCKETS' },
    ]);
    first.close();
    await first.closedWith;
    await new Promise((r) => setTimeout(r, 50));
    await open();
    const metrics = (await call(url, { path: '/metrics', method: 'GET' })).text;
    expect(metrics).toContain('nano_access_gateway_ws_refused_total{reason="max_sockets"} 2');
    expect(metrics).toContain('nano_access_gateway_ws_sockets_open 2');
  });

  it('closes a socket that sends a message over max_message_bytes (1009)', async () => {
    await start({ maxMessageBytes: 1024 });
    const socket = await open();
    socket.send({ action: 'ping', id: 'x'.repeat(2000) });
    expect((await socket.closedWith).code).toBe(1009);
  });

  /**
   * A subscriber that keeps reading and one that stops reading its socket (the kernel buffers fill,
   * then the gateway's); confirmations are published until the gateway's /metrics counts the stalled
   * one closed for `reason`. Returns the reader and the /metrics text then.
   */
  async function stallOneOfTwo(
    reason: 'slow_consumer' | 'total_buffered',
  ): Promise<{ reader: TestSocket; text: string }> {
    const reader = await open({ 'Nano-Api-Key': WATCHER });
    reader.send(subscribe);
    await reader.next();
    const stalled = await open({ 'Nano-Api-Key': WATCHER });
    stalled.send(subscribe);
    await stalled.next();
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let sent = 0;
    const metrics = (): Promise<string> => call(url, { path: '/metrics', method: 'GET' }).then((r) => r.text);
    for (;;) {
      const text = await metrics();
      if (text.includes(`nano_access_gateway_ws_closed_total{reason="${reason}"} 1`)) return { reader, text };
      for (let i = 0; i < 500; i++) confirm(hashOf(1000 + sent++));
      if (sent > 200_000) throw new Error('the stalled subscriber was never cut');
      await new Promise((r) => setImmediate(r));
    }
  }

  const slowConsumerLog = (): Array<Record<string, unknown>> =>
    logged.filter((line) => line.code === 'NA_GATEWAY_WS_SLOW_CONSUMER');

  it('cuts a subscriber that does not read once max_buffered_bytes wait for it', async () => {
    await start({ maxBufferedBytes: 64 * 1024 });
    const { reader } = await stallOneOfTwo('slow_consumer');
    expect(slowConsumerLog()).toEqual([
      expect.objectContaining({ level: 40, reason: 'slow_consumer', limit: 64 * 1024 }),
    ]);
    // The reader kept up and keeps its subscription.
    const received = await reader.drain();
    expect(received.length).toBeGreaterThan(0);
    confirm(hashOf(7));
    expect((await reader.next()).message).toMatchObject({ hash: hashOf(7) });
    expect(dispatcher.metrics().subscriptions.confirmationSubscribers).toBe(1);
  }, 60_000);

  it('cuts the subscriber holding the most when all sockets together pass max_total_buffered_bytes', async () => {
    // Each socket may hold 4 MiB, all of them together 256 KiB: only the total can cut.
    await start({ maxBufferedBytes: 4 * 1024 * 1024, maxTotalBufferedBytes: 256 * 1024 });
    const { reader, text } = await stallOneOfTwo('total_buffered');
    expect(text).not.toContain('reason="slow_consumer"');
    expect(slowConsumerLog()).toEqual([
      expect.objectContaining({ level: 40, reason: 'total_buffered', totalLimit: 256 * 1024 }),
    ]);
    // The reader kept up: it keeps its subscription and its events.
    await reader.drain();
    confirm(hashOf(7));
    expect((await reader.next()).message).toMatchObject({ hash: hashOf(7) });
    expect(dispatcher.metrics().subscriptions.confirmationSubscribers).toBe(1);
  }, 60_000);

  describe('Origin ([websocket] allowed_origins)', () => {
    const status = (origin: string | undefined): Promise<number> =>
      upgradeStatus(wsUrl, { headers: { 'Nano-Api-Key': WATCHER }, ...(origin === undefined ? {} : { origin }) });

    it('refuses, by default, every upgrade that carries an Origin; clients without one pass', async () => {
      await start();
      expect(await status('https://evil.example')).toBe(403);
      expect(await status(url)).toBe(403);
      expect(await status(undefined)).toBe(101);
      const metrics = await call(url, { path: '/metrics', method: 'GET' });
      expect(metrics.text).toContain('nano_access_gateway_ws_refused_total{reason="origin"} 2');
    });

    it('admits the listed origins only (compared as browsers send them), or any with "*"', async () => {
      await start({ allowedOrigins: ['https://wallet.example', 'http://127.0.0.1:8080'] });
      expect(await status('https://wallet.example')).toBe(101);
      expect(await status('HTTPS://Wallet.Example')).toBe(101);
      expect(await status('http://127.0.0.1:8080')).toBe(101);
      expect(await status('https://wallet.example:444')).toBe(403);
      expect(await status('http://wallet.example')).toBe(403);
      expect(await status('null')).toBe(403);
      await gateway.close();
      dispatcher.close();
      await backend.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      await start({ allowedOrigins: ['*'] });
      expect(await status('https://anything.example')).toBe(101);
    });

    it('answers the refusal with a body naming the code, before the handshake', async () => {
      await start();
      const answer = await call(url, {
        method: 'GET',
        path: '/api/v2/ws',
        headers: { ...upgradeHeaders, origin: 'https://evil.example' },
      });
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ code: 'NA_GATEWAY_WS_ORIGIN_REFUSED' });
    });
  });

  it('answers 404 to an upgrade elsewhere, and HTTP on the path as before', async () => {
    await start();
    await expect(open({}, `${url.replace(/^http/, 'ws')}/api/v2/other`)).rejects.toMatchObject({ status: 404 });
    const plain = await call(url, { path: '/api/v2/ws', method: 'GET' });
    expect(plain.status).toBeGreaterThanOrEqual(400);
  });

  it('is off with [websocket] enable = false', async () => {
    await start({ enable: false });
    await expect(open({ 'Nano-Api-Key': WATCHER })).rejects.toBeDefined();
  });
});

describe('WebSocket over TLS (wss)', () => {
  it('subscribes and delivers on the HTTPS port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-gw-wss-'));
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
    const store = PolicyStore.fromText(GRANTED);
    const { backend, confirm } = await backendWithTrigger();
    const dispatcher = new Dispatcher({ policy: store, backend, logger: silent });
    const gateway = createGateway({
      dispatcher,
      store,
      config: testConfig({ tls: { enable: true, cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } }),
      logger: silent,
      closeGraceMs: 200,
    });
    const url = (await gateway.listen()).url;
    const socket = new TestSocket(`${url.replace(/^https/, 'wss')}/api/v2/ws`, {
      headers: { 'Nano-Api-Key': WATCHER },
      ca: pems.cert,
    });
    try {
      await socket.opened;
      socket.send({ action: 'subscribe', topic: 'confirmation', ack: true });
      expect(await socket.next()).toMatchObject({ ack: 'subscribe' });
      confirm(hashOf(9));
      expect((await socket.next()).message).toMatchObject({ hash: hashOf(9) });
    } finally {
      socket.close();
      await gateway.close();
      dispatcher.close();
      await backend.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
