import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { PolicyStore } from '@nano-access/reloader';
import { startStandaloneGateway, type StandaloneGateway } from '@nano-access/gateway';
import { call, postJson } from '../helpers/http-client';
import { ACCESS_TEXT, USERS } from '../helpers/fixtures';
import { ledgerAccount, ledgerRepresentative, testConfig } from '../helpers/in-process';
import { IpcServerUnderTest } from '../helpers/ipc-server';

const rep = ledgerRepresentative();
const account = ledgerAccount();
const silent = pino({ level: 'silent' });

/** The IPC server's policy differs from the gateway's on purpose: v2 is decided there, legacy here. */
const IPC_ACCESS_TEXT = ACCESS_TEXT.replace(
  `id = "${USERS.walletReader}"\nallow = "wallet_read"`,
  `id = "${USERS.walletReader}"\nallow = "wallet_read, api_account_weight"`,
);

describe('the standalone gateway (nano-access gateway) in front of a separate IPC server', () => {
  let dir: string;
  let ipc: IpcServerUnderTest;
  let gw: StandaloneGateway;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-standalone-'));
    ipc = new IpcServerUnderTest(dir, IPC_ACCESS_TEXT, { allowUnsafe: true });
    await ipc.start();
    const config = testConfig({ enableControl: false });
    config.process = { ...config.process, ipcPort: ipc.port, numIpcConnections: 2, ipcTimeout: 5 };
    gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
    url = gw.address.url;
  });
  afterAll(async () => {
    await gw.close();
    await ipc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("forwards v2 as an encoding-4 envelope carrying the caller's credentials (the IPC server decides)", async () => {
    const allowed = await postJson(
      url,
      '/api/v2/AccountWeight',
      { account: rep.account },
      { 'Nano-Api-Key': USERS.walletReader },
    );
    expect(allowed.json).toMatchObject({
      message_type: 'AccountWeightResponse',
      message: { voting_weight: rep.weight },
    });
    const envelope = await postJson(url, '/api/v2', {
      credentials: USERS.ops,
      message_type: 'AccountWeight',
      message: { account: rep.account },
    });
    expect(envelope.status).toBe(200);
    expect(envelope.json).toMatchObject({ message_type: 'Error', message: { code: 3, message: 'Access denied' } });
  });

  it("forwards Authorization credentials as the envelope's, and refuses sources that disagree before forwarding", async () => {
    const bearer = await postJson(
      url,
      '/api/v2/AccountWeight',
      { account: rep.account },
      { Authorization: `Bearer ${USERS.walletReader}` },
    );
    expect(bearer.json).toMatchObject({ message_type: 'AccountWeightResponse' });
    const basic = `Basic ${Buffer.from(`u:${USERS.walletReader}`).toString('base64')}`;
    const envelope = await postJson(
      url,
      '/api/v2',
      { message_type: 'AccountWeight', message: { account: rep.account } },
      { Authorization: basic },
    );
    expect(envelope.json).toMatchObject({ message_type: 'AccountWeightResponse' });
    // The IPC server would allow either id alone; together they are refused here.
    const conflict = await postJson(
      url,
      '/api/v2',
      { credentials: USERS.walletReader, message_type: 'AccountWeight', message: { account: rep.account } },
      { 'Nano-Api-Key': USERS.ops, 'Nano-Correlation-Id': 'c-1' },
    );
    expect(conflict.json).toMatchObject({
      message_type: 'Error',
      correlation_id: 'c-1',
      message: { code: 3, message: 'Access denied' },
    });
    const bare = await postJson(
      url,
      '/api/v2/AccountWeight',
      { account: rep.account },
      { 'Nano-Api-Key': USERS.walletReader, Authorization: `Bearer ${USERS.ops}` },
    );
    expect(bare.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
    const legacy = await postJson(
      url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.accounts, Authorization: `Bearer ${USERS.ops}` },
    );
    expect(legacy.json).toEqual({ error: 'Access denied' });
    const legacyBearer = await postJson(
      url,
      '/',
      { action: 'account_balance', account: account.account },
      { Authorization: `Bearer ${USERS.accounts}` },
    );
    expect(legacyBearer.json).toMatchObject({ balance: account.balance });
  });

  it('echoes the correlation id through the IPC hop', async () => {
    const answer = await postJson(
      url,
      '/api/v2/AccountWeight',
      { account: rep.account },
      { 'Nano-Correlation-Id': 'hop "1"' },
    );
    expect(answer.json).toMatchObject({ correlation_id: 'hop "1"', message_type: 'AccountWeightResponse' });
  });

  it('authorizes legacy actions with its own policy before forwarding them', async () => {
    const allowed = await postJson(
      url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.accounts },
    );
    expect(allowed.status).toBe(200);
    expect(allowed.json).toMatchObject({ balance: account.balance });
    const denied = await postJson(
      url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.walletReader },
    );
    expect(denied.status).toBe(200);
    expect(denied.json).toEqual({ error: 'Access denied' });
  });

  it('refuses control actions while enable_control is false', async () => {
    const answer = await postJson(url, '/', { action: 'wallet_create' }, { 'Nano-Api-Key': USERS.wallets });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ error: 'Unsafe RPC not allowed' });
  });

  it('answers subscriptions over a connection of their own, leaving no pooled connection subscribed', async () => {
    const before = ipc.connections();
    const answer = await postJson(url, '/api/v2/TopicConfirmation', {}, { 'Nano-Api-Key': USERS.walletReader });
    expect(answer.status).toBe(200);
    expect((answer.json as { message_type: string }).message_type).toBe('Error'); // walletReader lacks the permission
    // The short-lived connection is gone again.
    const deadline = Date.now() + 10_000;
    while (ipc.connections() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(ipc.connections()).toBeLessThanOrEqual(before);
  });

  it('answers 502 while the IPC server is down, and the next request after its restart succeeds', async () => {
    // Warm both pooled connections.
    for (let i = 0; i < 2; i++)
      expect((await postJson(url, '/api/v2/AccountWeight', { account: rep.account })).status).toBe(200);
    await ipc.stop();

    const v2 = await postJson(
      url,
      '/api/v2/AccountWeight',
      { account: rep.account },
      { 'Nano-Correlation-Id': 'outage' },
    );
    expect(v2.status).toBe(502);
    expect(v2.json).toMatchObject({ message_type: 'Error', correlation_id: 'outage', message: { code: 2 } });
    expect((v2.json as { message: { message: string } }).message.message).toMatch(/IPC server unavailable/);
    const legacy = await postJson(
      url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.accounts },
    );
    expect(legacy.status).toBe(502);
    expect(legacy.json).toMatchObject({ code: 'NA_GATEWAY_UPSTREAM_UNAVAILABLE' });
    // A denied legacy action is still denied locally, without the IPC server.
    const denied = await postJson(
      url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.walletReader },
    );
    expect([denied.status, denied.json]).toEqual([200, { error: 'Access denied' }]);
    const health = await call(url, { method: 'GET', path: '/healthz' });
    expect(health.status).toBe(200);

    await ipc.start(); // same port
    for (let i = 0; i < 4; i++) {
      const again = await postJson(url, '/api/v2/AccountWeight', { account: rep.account });
      expect([i, again.status]).toEqual([i, 200]);
      const legacyAgain = await postJson(
        url,
        '/',
        { action: 'account_balance', account: account.account },
        { 'Nano-Api-Key': USERS.accounts },
      );
      expect([i, legacyAgain.status]).toEqual([i, 200]);
    }
  });
});

describe('the standalone gateway with enable_control = true', () => {
  it('forwards an authorized control action over encoding 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-gw-standalone-control-'));
    const ipc = new IpcServerUnderTest(dir, IPC_ACCESS_TEXT, { allowUnsafe: true });
    await ipc.start();
    const config = testConfig({ enableControl: true });
    config.process = { ...config.process, ipcPort: ipc.port, numIpcConnections: 1 };
    const gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
    try {
      const created = await postJson(
        gw.address.url,
        '/',
        { action: 'wallet_create' },
        { 'Nano-Api-Key': USERS.wallets },
      );
      expect(created.status).toBe(200);
      expect((created.json as { wallet: string }).wallet).toMatch(/^[0-9A-F]{64}$/);
      const denied = await postJson(
        gw.address.url,
        '/',
        { action: 'wallet_create' },
        { 'Nano-Api-Key': USERS.walletReader },
      );
      expect(denied.status).toBe(200);
      expect(denied.json).toEqual({ error: 'Access denied' });
    } finally {
      await gw.close();
      await ipc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the standalone gateway over a unix socket ([process] ipc_path)', () => {
  it('forwards v2 and legacy requests over the socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-gw-standalone-unix-'));
    const socket = join(dir, 'ipc.sock');
    const ipc = new IpcServerUnderTest(dir, IPC_ACCESS_TEXT, { allowUnsafe: true });
    await ipc.start(socket);
    const config = testConfig();
    // ipc_path wins over TCP: the port below has no server.
    config.process = { ...config.process, ipcPath: socket, ipcPort: 1, numIpcConnections: 1 };
    const gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
    try {
      const v2 = await postJson(gw.address.url, '/api/v2/AccountWeight', { account: rep.account });
      expect(v2.json).toMatchObject({ message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } });
      const legacy = await postJson(
        gw.address.url,
        '/',
        { action: 'account_balance', account: account.account },
        { 'Nano-Api-Key': USERS.accounts },
      );
      expect(legacy.status).toBe(200);
      expect(legacy.json).toMatchObject({ balance: account.balance });
    } finally {
      await gw.close();
      await ipc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the standalone gateway with the IPC access check ([process] ipc_access_file)', () => {
  it('completes the shared-secret handshake with the right secret, and answers 502 with a wrong one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-gw-standalone-check-'));
    const secret = join(dir, 'ipc-secret');
    const wrong = join(dir, 'wrong-secret');
    writeFileSync(secret, randomBytes(32).toString('hex'), { mode: 0o600 });
    writeFileSync(wrong, randomBytes(32).toString('hex'), { mode: 0o600 });
    const ipc = new IpcServerUnderTest(dir, IPC_ACCESS_TEXT, { allowUnsafe: true });
    await ipc.start(undefined, secret);
    const start = async (accessFile: string) => {
      const config = testConfig();
      config.process = {
        ...config.process,
        ipcPort: ipc.port,
        ipcAccessFile: accessFile,
        numIpcConnections: 1,
        ipcTimeout: 5,
      };
      return startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
    };
    const good = await start(secret);
    const bad = await start(wrong);
    try {
      const ok = await postJson(good.address.url, '/api/v2/AccountWeight', { account: rep.account });
      expect(ok.json).toMatchObject({ message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } });
      const refused = await postJson(bad.address.url, '/api/v2/AccountWeight', { account: rep.account });
      expect(refused.status).toBe(502);
      expect(refused.json).toMatchObject({ message_type: 'Error', message: { code: 2 } });
    } finally {
      await good.close();
      await bad.close();
      await ipc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the standalone gateway and the IPC server's frame limit ([process] ipc_max_frame_bytes)", () => {
  let dir: string;
  let ipc: IpcServerUnderTest;
  let gw: StandaloneGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-standalone-frame-'));
    ipc = new IpcServerUnderTest(dir, IPC_ACCESS_TEXT, { allowUnsafe: true }); // max_frame_bytes at its default, 1 MiB
    await ipc.start();
    const config = testConfig();
    config.process = { ...config.process, ipcPort: ipc.port, numIpcConnections: 2, ipcTimeout: 5 };
    gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
  });
  afterAll(async () => {
    await gw.close();
    await ipc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 413, without forwarding it, an anonymous oversized request, while another user's requests on the shared connections all succeed", async () => {
    const url = gw.address.url;
    const oversized = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }); // under max_request_size, over the frame limit
    let flowing = true;
    const userAnswers: Array<{ status: number; type: unknown }> = [];
    const worker = async (): Promise<void> => {
      for (let i = 0; i < 25; i++) {
        const answer = await postJson(
          url,
          '/api/v2/AccountWeight',
          { account: rep.account },
          { 'Nano-Api-Key': USERS.walletReader },
        );
        userAnswers.push({
          status: answer.status,
          type: (answer.json as { message_type?: unknown } | undefined)?.message_type,
        });
      }
    };
    const attacker = async (): Promise<Array<{ status: number; json: unknown }>> => {
      const answers: Array<{ status: number; json: unknown }> = [];
      while (flowing) {
        const answer = await call(url, { path: '/api/v2/IsAlive', body: oversized });
        answers.push({ status: answer.status, json: answer.json });
        const legacy = await call(url, {
          path: '/',
          body: JSON.stringify({ action: 'account_weight', account: rep.account, pad: 'y'.repeat(2 * 1024 * 1024) }),
        });
        answers.push({ status: legacy.status, json: legacy.json });
      }
      return answers;
    };
    const attacks = attacker();
    await Promise.all(Array.from({ length: 8 }, worker));
    flowing = false;
    const refused = await attacks;

    expect(userAnswers).toHaveLength(200);
    expect(userAnswers.filter((a) => a.status !== 200 || a.type !== 'AccountWeightResponse')).toEqual([]);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const answer of refused) expect(answer.status).toBe(413);
    const v2 = refused[0].json as { message_type: string; message: { code: number; message: string } };
    expect(v2).toMatchObject({ message_type: 'Error', message: { code: 1 } });
    expect(v2.message.message).toMatch(/over ipc_max_frame_bytes \(1048576\)/);
    expect(refused[1].json).toMatchObject({ code: 'NA_GATEWAY_BODY_TOO_LARGE' });
  });

  it('measures the frame that would be sent: a body under the limit whose envelope grows past it is refused too', async () => {
    // JSON.stringify writes 9e20 as 900000000000000000000: 4 bytes in the body, 21 in the frame.
    const body = `{"n":[${Array<string>(130_000).fill('9e20').join(',')}]}`;
    expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024);
    const answer = await call(gw.address.url, { path: '/api/v2/IsAlive', body });
    expect(answer.status).toBe(413);
    const after = await postJson(gw.address.url, '/api/v2/AccountWeight', { account: rep.account });
    expect(after.json).toMatchObject({ message_type: 'AccountWeightResponse' });
  });
});

describe('a 502 of the standalone gateway', () => {
  it('tells the caller only "IPC server unavailable"; the socket path and errno go to the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-gw-standalone-502-'));
    const missing = join(dir, 'no-such-ipc.sock');
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const config = testConfig();
    config.process = { ...config.process, ipcPath: missing, numIpcConnections: 1, ipcTimeout: 5 };
    const gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger });
    try {
      const v2 = await postJson(gw.address.url, '/api/v2/AccountWeight', { account: rep.account });
      expect(v2.status).toBe(502);
      expect(v2.json).toMatchObject({ message_type: 'Error', message: { code: 2, message: 'IPC server unavailable' } });
      const legacy = await postJson(gw.address.url, '/', { action: 'account_weight', account: rep.account });
      expect(legacy.status).toBe(502);
      expect(legacy.json).toEqual({ error: 'IPC server unavailable', code: 'NA_GATEWAY_UPSTREAM_UNAVAILABLE' });
      for (const answer of [v2, legacy]) {
        expect(answer.text).not.toContain(dir);
        expect(answer.text).not.toContain('ENOENT');
      }
      const log = lines.join('');
      expect(log).toContain(missing);
      expect(log).toContain('ENOENT');
    } finally {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('log_rpc of the standalone gateway', () => {
  it("names the caller of a forwarded v2 message from its own copy of the policy; the refusal is the IPC server's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-gw-standalone-log-'));
    const ipc = new IpcServerUnderTest(dir, IPC_ACCESS_TEXT, { allowUnsafe: true });
    await ipc.start();
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const config = testConfig({ logging: { logRpc: true } });
    config.process = { ...config.process, ipcPort: ipc.port, numIpcConnections: 1, ipcTimeout: 5 };
    const gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger });
    try {
      const weight = { account: rep.account };
      // The IPC server's policy gives walletReader AccountWeight; the gateway's copy does not.
      await postJson(gw.address.url, '/api/v2/AccountWeight', weight, { 'Nano-Api-Key': USERS.walletReader });
      await postJson(gw.address.url, '/api/v2/AccountWeight', weight, { 'Nano-Api-Key': USERS.ops });
      const rpc = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'rpc')
        .map(({ outcome, caller, permission, reason }) => ({ outcome, caller, permission, reason }));
      expect(rpc).toEqual([
        {
          outcome: 'ok',
          caller: expect.stringMatching(/^user #\d+ \(…[0-9a-f]{4}\)$/),
          permission: 'api_account_weight',
          reason: undefined,
        },
        {
          outcome: 'denied',
          caller: expect.stringMatching(/^user #\d+ \(…[0-9a-f]{4}\)$/),
          permission: 'api_account_weight',
          reason: 'no grant',
        },
      ]);
      expect(lines.join('')).not.toContain(USERS.walletReader);
      expect(lines.join('')).not.toContain(USERS.ops);
    } finally {
      await gw.close();
      await ipc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the standalone gateway in front of an IPC server that answers what is not JSON, or not an envelope', () => {
  it('answers 502 NA_GATEWAY_UPSTREAM_INVALID, with nothing of the answer passed on', async () => {
    // A stand-in speaking the node's framing on real TCP: each request frame gets `answer` back.
    let answer = Buffer.from('<html>not json</html>');
    const upstream = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', () => {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(answer.length);
        socket.write(Buffer.concat([head, answer]));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const config = testConfig();
    const port = (upstream.address() as net.AddressInfo).port;
    config.process = { ...config.process, ipcPort: port, numIpcConnections: 1, ipcTimeout: 5 };
    const gw = await startStandaloneGateway({ config, store: PolicyStore.fromText(ACCESS_TEXT), logger: silent });
    try {
      const legacy = await postJson(gw.address.url, '/', { action: 'account_weight', account: rep.account });
      expect(legacy.status).toBe(502);
      expect(legacy.json).toEqual({ error: 'Invalid answer from the IPC server', code: 'NA_GATEWAY_UPSTREAM_INVALID' });
      answer = Buffer.from('{"not":"an envelope"}');
      const v2 = await postJson(gw.address.url, '/api/v2/AccountWeight', { account: rep.account });
      expect(v2.status).toBe(502);
      expect(v2.json).toMatchObject({
        message_type: 'Error',
        message: { code: 2, message: 'Invalid answer from the IPC server' },
      });
      for (const reply of [legacy, v2]) expect(reply.text).not.toMatch(/html|envelope"/);
    } finally {
      await gw.close();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
