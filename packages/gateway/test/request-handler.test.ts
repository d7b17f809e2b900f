import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createEmbeddedBackend, Dispatcher, ErrorCode, ErrorMessage } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { createGateway, type GatewayDispatcher } from '@nano-access/gateway';
import { postJson, waitFor } from './helpers/http-client';
import { ACCESS_TEXT, LEDGER, USERS } from './helpers/fixtures';
import {
  ledgerAccount,
  ledgerRepresentative,
  startInProcess,
  testConfig,
  type RunningGateway,
} from './helpers/in-process';

const account = ledgerAccount();
const rep = ledgerRepresentative();

describe('legacy RPC (POST /), authorized per user', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess();
  });
  afterAll(() => gw.close());

  it("forwards an action the caller's user is allowed", async () => {
    const answer = await postJson(
      gw.url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.accounts },
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ balance: account.balance });
  });

  it('refuses an action the user is not allowed as the node answers an error: 200 {"error":"Access denied"}', async () => {
    const answer = await postJson(
      gw.url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.walletReader },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({ error: 'Access denied' });
  });

  it('uses the default user without Nano-Api-Key', async () => {
    const weight = await postJson(gw.url, '/', { action: 'account_weight', account: rep.account });
    expect(weight.status).toBe(200);
    expect(weight.json).toEqual({ weight: rep.weight });
    const balance = await postJson(gw.url, '/', { action: 'account_balance', account: account.account });
    expect(balance.json).toEqual({ error: 'Access denied' });
  });

  it('gives unknown credentials no permission at all', async () => {
    const answer = await postJson(
      gw.url,
      '/',
      { action: 'account_weight', account: rep.account },
      { 'Nano-Api-Key': 'not-a-configured-user' },
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ error: 'Access denied' });
  });

  it("authorizes by the action's permission group: node_query allows version, not block_count", async () => {
    const version = await postJson(gw.url, '/', { action: 'version' }, { 'Nano-Api-Key': USERS.ops });
    expect(version.status).toBe(200);
    expect(version.json).toHaveProperty('node_vendor');
    const blockCount = await postJson(gw.url, '/', { action: 'block_count' }, { 'Nano-Api-Key': USERS.ops });
    expect(blockCount.json).toEqual({ error: 'Access denied' });
  });

  it('answers an unknown action as the node does: 200 {"error":"Unknown command"}', async () => {
    const answer = await postJson(gw.url, '/', { action: 'make_coffee' }, { 'Nano-Api-Key': USERS.accounts });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ error: 'Unknown command' });
  });

  it('answers 400 for a body that is not a legacy request', async () => {
    for (const body of [[1, 2], { no_action: true }, 'text']) {
      const answer = await postJson(gw.url, '/', body);
      expect(answer.status).toBe(400);
      expect(answer.json).toHaveProperty('error');
    }
  });

  it('refuses a control action with enable_control = false, even to a user with the permission', async () => {
    const answer = await postJson(gw.url, '/', { action: 'wallet_create' }, { 'Nano-Api-Key': USERS.wallets });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ error: 'Unsafe RPC not allowed' });
  });
});

describe('legacy RPC with legacy_denial_status = 403', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess({ config: { legacyDenialStatus: 403 } });
  });
  afterAll(() => gw.close());

  it("answers a denied action 403 with the node's body", async () => {
    const answer = await postJson(
      gw.url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.walletReader },
    );
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ error: 'Access denied' });
  });

  it('answers a control action with enable_control = false 403 too', async () => {
    const answer = await postJson(gw.url, '/', { action: 'wallet_create' }, { 'Nano-Api-Key': USERS.wallets });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ error: 'Unsafe RPC not allowed' });
  });

  it('leaves every other legacy answer as it was: allowed 200, unknown command 200, node errors 200', async () => {
    const allowed = await postJson(
      gw.url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.accounts },
    );
    expect(allowed.status).toBe(200);
    const unknown = await postJson(gw.url, '/', { action: 'make_coffee' }, { 'Nano-Api-Key': USERS.accounts });
    expect([unknown.status, unknown.json]).toEqual([200, { error: 'Unknown command' }]);
    const bad = await postJson(
      gw.url,
      '/',
      { action: 'account_balance', account: 'nano_bad' },
      { 'Nano-Api-Key': USERS.accounts },
    );
    expect([bad.status, bad.json]).toEqual([200, { error: 'Bad account number' }]);
  });

  it('leaves v2 errors HTTP 200 Error envelopes', async () => {
    const answer = await postJson(
      gw.url,
      '/api/v2/AccountWeight',
      { account: rep.account },
      { 'Nano-Api-Key': USERS.walletReader },
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ message_type: 'Error', message: { code: 3, message: 'Access denied' } });
  });
});

describe('legacy RPC with enable_control = true', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess({ config: { enableControl: true } });
  });
  afterAll(() => gw.close());

  it('runs a control action for a user with its permission', async () => {
    const answer = await postJson(gw.url, '/', { action: 'wallet_create' }, { 'Nano-Api-Key': USERS.wallets });
    expect(answer.status).toBe(200);
    expect((answer.json as { wallet: string }).wallet).toMatch(/^[0-9A-F]{64}$/);
  });

  it('still refuses it to a user without the permission', async () => {
    const reader = await postJson(gw.url, '/', { action: 'wallet_create' }, { 'Nano-Api-Key': USERS.walletReader });
    expect(reader.status).toBe(200);
    expect(reader.json).toEqual({ error: 'Access denied' });
    const anonymous = await postJson(gw.url, '/', { action: 'wallet_create' });
    expect(anonymous.json).toEqual({ error: 'Access denied' });
  });
});

describe('a policy reload during traffic', () => {
  let dir: string;
  let store: PolicyStore;
  let gw: RunningGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-reload-'));
    writeFileSync(join(dir, 'config-access.toml'), ACCESS_TEXT, { mode: 0o600 });
    store = await PolicyStore.open(join(dir, 'config-access.toml'), { watch: true, debounceMs: 20 });
    gw = await startInProcess({ store });
  });
  afterAll(async () => {
    await gw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('changes the next decision once the file changes, with requests in flight throughout', async () => {
    // The decision is read from the body: a denial is HTTP 200 like any legacy answer.
    const request = async (): Promise<'allowed' | 'denied' | 'other'> => {
      const answer = await postJson(
        gw.url,
        '/',
        { action: 'account_balance', account: account.account },
        { 'Nano-Api-Key': USERS.walletReader },
      );
      const body = answer.json as { error?: string; balance?: string };
      if (answer.status === 200 && body.error === 'Access denied') return 'denied';
      if (answer.status === 200 && body.balance === account.balance) return 'allowed';
      return 'other';
    };
    expect(await request()).toBe('denied');

    // Keep traffic flowing while the file is rewritten; every answer is one of the two decisions.
    let stop = false;
    const decisions: string[] = [];
    const traffic = (async () => {
      while (!stop) decisions.push(await request());
    })();
    const granted = ACCESS_TEXT.replace(
      `id = "${USERS.walletReader}"\nallow = "wallet_read"`,
      `id = "${USERS.walletReader}"\nallow = "wallet_read, account_query"`,
    );
    expect(granted).not.toBe(ACCESS_TEXT);
    writeFileSync(join(dir, 'config-access.toml'), granted);
    await waitFor(
      () => decisions.length > 0 && decisions[decisions.length - 1] === 'allowed',
      20_000,
      'the reload to allow the action',
    );
    stop = true;
    await traffic;
    expect(decisions.every((d) => d === 'denied' || d === 'allowed')).toBe(true);
    // Once allowed, never denied again: the swap is atomic.
    expect(decisions.slice(decisions.indexOf('allowed')).every((d) => d === 'allowed')).toBe(true);
    expect(await request()).toBe('allowed');
  });

  it('keeps the last good policy when the new file is broken', async () => {
    writeFileSync(join(dir, 'config-access.toml'), '[[user]\nbroken');
    const rejected = await store.reload('manual');
    expect(rejected.outcome).toBe('rejected');
    const answer = await postJson(
      gw.url,
      '/',
      { action: 'account_balance', account: account.account },
      { 'Nano-Api-Key': USERS.walletReader },
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ balance: account.balance });
  });
});

describe('a dispatcher that fails unexpectedly (an embedder bug, not a refusal)', () => {
  it('answers 500 with NA_GATEWAY_INTERNAL and the generic message, keeping the detail for the log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const store = PolicyStore.fromText(ACCESS_TEXT);
    const backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    const dispatcher = new Dispatcher({ policy: store, backend });
    const broken = new Error('detail only the log may hold');
    const failing: GatewayDispatcher = {
      handleEnvelope: () => Promise.reject(broken),
      handleMessage: () => Promise.reject(broken),
      handleLegacy: () => Promise.reject(broken),
    };
    const gateway = createGateway({ dispatcher: failing, store, config: testConfig(), logger });
    try {
      const { url } = await gateway.listen();
      const legacy = await postJson(url, '/', { action: 'account_weight', account: rep.account });
      expect(legacy.status).toBe(500);
      expect(legacy.json).toEqual({ error: ErrorMessage.internal, code: 'NA_GATEWAY_INTERNAL' });
      const v2 = await postJson(url, '/api/v2/AccountWeight', { account: rep.account });
      expect(v2.status).toBe(500);
      expect(v2.json).toMatchObject({
        message_type: 'Error',
        message: { code: ErrorCode.exception, message: ErrorMessage.internal },
      });
      for (const answer of [legacy, v2]) expect(answer.text).not.toContain('detail only the log may hold');
      expect(lines.join('')).toContain('detail only the log may hold');
    } finally {
      await gateway.close();
      dispatcher.close();
      await backend.close();
      await store.close();
    }
  });
});

describe("a v2 request's session", () => {
  const subscriber = 'topic-subscriber-0b6f4c2e-7d1a-4e93-a5c8-3f2e1d0c9b8a';
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess({
      accessText: `${ACCESS_TEXT}\n[[user]]\nid = "${subscriber}"\nallow = "api_topic_confirmation"\n`,
    });
  });
  afterAll(() => gw.close());
  afterEach(() => jest.restoreAllMocks());

  it('is opened only by a message that needs one, and closed once the answer is out', async () => {
    const closed: string[] = [];
    const close = gw.dispatcher.closeSession.bind(gw.dispatcher);
    jest.spyOn(gw.dispatcher, 'closeSession').mockImplementation((session) => {
      closed.push(session.id);
      close(session);
    });

    const weight = await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account });
    expect(weight.json).toMatchObject({ message_type: 'AccountWeightResponse' });
    expect(closed).toEqual([]);

    const first = await postJson(gw.url, '/api/v2/TopicConfirmation', {}, { 'Nano-Api-Key': subscriber });
    const second = await postJson(gw.url, '/api/v2', {
      message_type: 'TopicConfirmation',
      message: {},
      credentials: subscriber,
    });
    expect(first.json).toMatchObject({ message_type: 'EventAck' });
    expect(second.json).toMatchObject({ message_type: 'EventAck' });
    expect(closed).toHaveLength(2);
    expect(closed[0]).toMatch(/^http-\d+$/);
    expect(closed[1]).not.toBe(closed[0]);
    expect(gw.dispatcher.metrics().subscriptions.sessions).toBe(0);
  });
});
