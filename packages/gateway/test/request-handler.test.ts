import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyStore } from '@nano-access/reloader';
import { postJson, waitFor } from './support/http-client';
import { ACCESS_TEXT, USERS } from './support/fixtures';
import { ledgerAccount, ledgerRepresentative, startInProcess, type RunningGateway } from './support/in-process';

const account = ledgerAccount();
const rep = ledgerRepresentative();

describe('legacy RPC (POST /), authorized per user', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess();
  });
  afterAll(() => gw.close());

  it('forwards an action the caller\'s user is allowed', async () => {
    const answer = await postJson(gw.url, '/', { action: 'account_balance', account: account.account }, { 'Nano-Api-Key': USERS.accounts });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ balance: account.balance });
  });

  it('refuses with 403 {"error":"Access denied"} an action the user is not allowed', async () => {
    const answer = await postJson(gw.url, '/', { action: 'account_balance', account: account.account }, { 'Nano-Api-Key': USERS.walletReader });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({ error: 'Access denied' });
  });

  it('uses the default user without Nano-Api-Key', async () => {
    const weight = await postJson(gw.url, '/', { action: 'account_weight', account: rep.account });
    expect(weight.status).toBe(200);
    expect(weight.json).toEqual({ weight: rep.weight });
    const balance = await postJson(gw.url, '/', { action: 'account_balance', account: account.account });
    expect(balance.status).toBe(403);
  });

  it('gives unknown credentials no permission at all', async () => {
    const answer = await postJson(gw.url, '/', { action: 'account_weight', account: rep.account }, { 'Nano-Api-Key': 'not-a-configured-user' });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ error: 'Access denied' });
  });

  it('authorizes by the action\'s permission group: node_query allows version, not block_count', async () => {
    const version = await postJson(gw.url, '/', { action: 'version' }, { 'Nano-Api-Key': USERS.ops });
    expect(version.status).toBe(200);
    expect(version.json).toHaveProperty('node_vendor');
    const blockCount = await postJson(gw.url, '/', { action: 'block_count' }, { 'Nano-Api-Key': USERS.ops });
    expect(blockCount.status).toBe(403);
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
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ error: 'Unsafe RPC not allowed' });
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
    expect(reader.status).toBe(403);
    expect(reader.json).toEqual({ error: 'Access denied' });
    const anonymous = await postJson(gw.url, '/', { action: 'wallet_create' });
    expect(anonymous.status).toBe(403);
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
    const request = () => postJson(gw.url, '/', { action: 'account_balance', account: account.account }, { 'Nano-Api-Key': USERS.walletReader });
    expect((await request()).status).toBe(403);

    // Keep traffic flowing while the file is rewritten; every answer is one of the two decisions.
    let stop = false;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (!stop) statuses.push((await request()).status);
    })();
    const granted = ACCESS_TEXT.replace(`id = "${USERS.walletReader}"\nallow = "wallet_read"`, `id = "${USERS.walletReader}"\nallow = "wallet_read, account_query"`);
    expect(granted).not.toBe(ACCESS_TEXT);
    writeFileSync(join(dir, 'config-access.toml'), granted);
    await waitFor(() => statuses.length > 0 && statuses[statuses.length - 1] === 200, 20_000, 'the reload to allow the action');
    stop = true;
    await traffic;
    expect(statuses.every((s) => s === 403 || s === 200)).toBe(true);
    // Once allowed, never denied again: the swap is atomic.
    expect(statuses.slice(statuses.indexOf(200)).every((s) => s === 200)).toBe(true);
    const after = await request();
    expect(after.status).toBe(200);
    expect(after.json).toMatchObject({ balance: account.balance });
  });

  it('keeps the last good policy when the new file is broken', async () => {
    writeFileSync(join(dir, 'config-access.toml'), '[[user]\nbroken');
    const rejected = await store.reload('manual');
    expect(rejected.outcome).toBe('rejected');
    const answer = await postJson(gw.url, '/', { action: 'account_balance', account: account.account }, { 'Nano-Api-Key': USERS.walletReader });
    expect(answer.status).toBe(200);
  });
});
