import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NanoClient } from '@dev-ptera/nano-node-rpc';
import NanoWallet from 'nano-wallet-js';
import { blake2b, EmbeddedBackend, type LedgerData } from '@nano-access/protocol';
import { loadPolicy, type NanoPermission } from '@nano-access/resolver';

// Two public client libraries from npm, unchanged, against `nano-access serve` as a real child
// process (the built binary): over the embedded backend, and over the node-rpc backend to a
// stand-in node. @dev-ptera/nano-node-rpc sends the key in a header (its requestHeaders);
// nano-wallet-js takes only a URL, so it sends the key in the path (key_in_path = true).

const REPO = path.join(__dirname, '..', '..', '..');
const BIN = path.join(REPO, 'packages', 'cli', 'bin', 'nano-access.js');
const LEDGER_FILE = path.join(REPO, 'fixtures', 'data', 'ledger.json');
const ledger = JSON.parse(fs.readFileSync(LEDGER_FILE, 'utf8')) as LedgerData;

const CLIENT = 'client-app-6f2d9a14-3c8e-4b71-a05d-e9c2b7f41a38';
const DENIED = 'denied-app-0b7e3c52-9d14-4a6f-8e21-5c3a9f0d7b64';
const ACCESS = [
  `[[user]]\nid = "${CLIENT}"\nallow = "account_query, utility, api_version, api_uptime"\nbare = true\n`,
  `[[user]]\nid = "${DENIED}"\nallow = "api_version"\nbare = true\n`,
].join('\n');
const policy = loadPolicy(ACCESS).policy!;
/** Whether CLIENT may call a legacy action here: the catalog knows it, it is not a control action (enable_control is off), the policy grants it. */
const clientMay = (action: string): boolean => {
  const entry = policy.action(action);
  return entry !== undefined && !entry.control && policy.check(CLIENT, entry.permission as NanoPermission);
};

// The fixture ledger's keys are deterministic (scripts/gen-ledger.ts): BLAKE2b-256(seed ‖ be32(index)).
const SEED = blake2b(Buffer.from('nano-access fixture ledger v1'), 32);
function fixturePrivateKey(index: number): string {
  const input = Buffer.alloc(36);
  Buffer.from(SEED).copy(input);
  input.writeUInt32BE(index, 32);
  return Buffer.from(blake2b(input, 32)).toString('hex').toUpperCase();
}

const byBlocks = [...ledger.accounts].sort((a, b) => Number(b.block_count) - Number(a.block_count));
const busy = byBlocks[0];
const representative = ledger.accounts.find((a) => a.weight !== undefined && a.weight !== '0')!;
const send = ledger.blocks.find((b) => b.subtype === 'send')!;
const known = new Set(ledger.accounts.map((a) => a.account));
/** An account with receivable sends and no block of its own. */
const unopened = ledger.blocks.find((b) => b.subtype === 'send' && !known.has(b.contents.link_as_account))!.contents
  .link_as_account;

interface Serve {
  url: string;
  child: ChildProcess;
}

interface StandInNode {
  url: string;
  actions: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for a Nano node's RPC (a real node cannot run in the tests): a real HTTP server that
 * answers the node's RPC JSON from the embedded ledger over the same fixture, the way a node
 * answers from its own. It records which actions reached it.
 */
async function standInNode(): Promise<StandInNode> {
  const backend = new EmbeddedBackend(ledger);
  const actions: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { action: string };
      actions.push(body.action);
      const answer = backend.legacy(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    actions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startServe(cleanups: Array<() => unknown>, nodeToml = '', rpcToml = ''): Promise<Serve> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-clients-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.copyFileSync(LEDGER_FILE, path.join(dir, 'ledger.json'));
  fs.writeFileSync(path.join(dir, 'config-node.toml'), `[node.ipc.tcp]\nenable = true\nport = 0\n${nodeToml}`);
  fs.writeFileSync(path.join(dir, 'config-rpc.toml'), `port = 0\nkey_in_path = true\n${rpcToml}`);
  fs.writeFileSync(path.join(dir, 'config-access.toml'), ACCESS, { mode: 0o600 });
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dir], {
    env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'silent' },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  const deadline = Date.now() + 30_000;
  while (!/gateway listening on http:\/\/\S+/.test(out) && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 25));
  const url = /gateway listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (url === undefined) throw new Error(`serve did not start:\n${out}`);
  return { url, child };
}

/** Every call NanoClient offers, with the action it sends and arguments from the fixture ledger. */
function nanoClientCalls(client: NanoClient): Array<[string, () => Promise<unknown>]> {
  return [
    ['account_balance', () => client.account_balance(busy.account)],
    ['account_block_count', () => client.account_block_count(busy.account)],
    ['account_get', () => client.account_get('3068BB1CA04525BB0E416C485FE6A67FD52540227D267CC8B6E8DA958A7FA039')],
    ['account_history', () => client.account_history(busy.account, 5, { raw: false })],
    ['account_info', () => client.account_info(busy.account, { representative: true, weight: true, pending: true })],
    ['account_key', () => client.account_key(busy.account)],
    ['account_representative', () => client.account_representative(busy.account)],
    ['account_weight', () => client.account_weight(representative.account)],
    ['accounts_balances', () => client.accounts_balances([busy.account, unopened])],
    ['accounts_frontiers', () => client.accounts_frontiers([busy.account])],
    ['accounts_pending', () => client.accounts_pending([unopened], 10, { source: true })],
    ['active_difficulty', () => client.active_difficulty()],
    ['available_supply', () => client.available_supply()],
    ['block', () => client.block(send.hash)],
    ['block_account', () => client.block_account(send.hash)],
    ['block_confirm', () => client.block_confirm(send.hash)],
    ['block_count', () => client.block_count()],
    ['blocks', () => client.blocks([send.hash], true)],
    ['blocks_info', () => client.blocks_info([send.hash], { json_block: true, pending: true, source: true })],
    ['chain', () => client.chain(busy.frontier, 3)],
    ['confirmation_quorum', () => client.confirmation_quorum()],
    ['delegators', () => client.delegators(representative.account)],
    ['delegators_count', () => client.delegators_count(representative.account)],
    ['frontiers', () => client.frontiers(busy.account, 2)],
    ['frontier_count', () => client.frontier_count()],
    ['krai_from_raw', () => client.krai_from_raw('1000')],
    ['krai_to_raw', () => client.krai_to_raw('1')],
    ['mrai_from_raw', () => client.mrai_from_raw('1000')],
    ['mrai_to_raw', () => client.mrai_to_raw('1')],
    ['peers', () => client.peers()],
    ['process', () => client.process({ json_block: true, block: send.contents })],
    ['rai_from_raw', () => client.rai_from_raw('1000')],
    ['rai_to_raw', () => client.rai_to_raw('1')],
    ['representatives', () => client.representatives(5, true)],
    ['representatives_online', () => client.representatives_online()],
    ['validate_account_number', () => client.validate_account_number(busy.account)],
    ['version', () => client.version()],
    ['uptime', () => client.uptime()],
    ['work_cancel', () => client.work_cancel(send.hash)],
    ['work_generate', () => client.work_generate(send.hash)],
  ];
}

/** What the library gets back for a call the policy allows: the node's answer for the fixture. */
function expectNodeAnswer(action: string, answer: Record<string, unknown>): void {
  switch (action) {
    case 'account_balance':
      expect(answer).toEqual({
        balance: expect.stringMatching(/^\d+$/),
        pending: expect.stringMatching(/^\d+$/),
        receivable: expect.stringMatching(/^\d+$/),
      });
      break;
    case 'account_info':
      expect(answer).toMatchObject({
        frontier: busy.frontier,
        block_count: busy.block_count,
        representative: busy.representative,
        weight: expect.stringMatching(/^\d+$/),
        pending: expect.any(String),
      });
      break;
    case 'account_get':
      expect(answer).toEqual({ account: 'nano_1e5aqegc1jb7qe964u4adzmcezyo6o146zb8hm6dft8tkp79za3sxwjym5rx' });
      break;
    case 'account_history':
      expect((answer.history as unknown[]).length).toBe(5);
      expect(answer).toMatchObject({ account: busy.account, previous: expect.stringMatching(/^[0-9A-F]{64}$/) });
      break;
    case 'accounts_pending':
      expect(Object.keys((answer.blocks as Record<string, unknown>)[unopened] as object).length).toBeGreaterThan(0);
      break;
    case 'block':
      expect(answer).toMatchObject({ block_account: send.contents.account, subtype: 'send' });
      break;
    case 'blocks':
      expect(answer).toEqual({ blocks: { [send.hash]: send.contents } });
      break;
    case 'chain':
      expect((answer.blocks as string[])[0]).toBe(busy.frontier);
      break;
    case 'frontier_count':
      expect(answer).toEqual({ count: String(ledger.accounts.length) });
      break;
    case 'version':
      expect(answer).toMatchObject({ rpc_version: '1', network: 'live' });
      break;
    default:
      expect(answer).not.toHaveProperty('error');
      expect(Object.keys(answer).length).toBeGreaterThan(0);
  }
}

describe.each([
  ['the embedded backend', false],
  ['the node-rpc backend and a stand-in node', true],
])('public client libraries against serve: %s', (_name, throughNode) => {
  const cleanups: Array<() => unknown> = [];
  let serve: Serve;
  let node: StandInNode | undefined;

  beforeAll(async () => {
    if (throughNode) {
      node = await standInNode();
      cleanups.push(() => node!.close());
    }
    serve = await startServe(
      cleanups,
      node === undefined ? '' : `\n[backend]\ntype = "node-rpc"\nurl = "${node.url}"\n`,
    );
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("@dev-ptera/nano-node-rpc (key in requestHeaders): every call the policy allows returns the node's answer; the others fail as a node error", async () => {
    const client = new NanoClient({ url: serve.url, requestHeaders: { 'Nano-Api-Key': CLIENT } });
    const calls = nanoClientCalls(client);
    let allowed = 0;
    for (const [action, run] of calls) {
      if (clientMay(action)) {
        allowed++;
        const answer = (await run().catch((error: unknown) => ({ failed: error }))) as Record<string, unknown>;
        expect([action, answer.failed]).toEqual([action, undefined]);
        expectNodeAnswer(action, answer);
      } else {
        // Refused (or unknown to the catalog, as to a node that dropped the action): the library
        // rejects with the node's body, exactly as for any node error, never a transport failure.
        const entry = policy.action(action);
        const body = {
          error: entry === undefined ? 'Unknown command' : entry.control ? 'Unsafe RPC not allowed' : 'Access denied',
        };
        await expect(run()).rejects.toEqual(body);
      }
    }
    expect(allowed).toBeGreaterThanOrEqual(25);
    if (node !== undefined) {
      // Refused calls never reached the node.
      expect(node.actions).not.toContain('process');
      expect(node.actions).not.toContain('work_generate');
      expect(node.actions).toContain('account_history');
    }
  });

  it('@dev-ptera/nano-node-rpc with Authorization: Bearer, and a denied key: the denial arrives as a node error', async () => {
    const bearer = new NanoClient({ url: serve.url, requestHeaders: { Authorization: `Bearer ${CLIENT}` } });
    expect(await bearer.account_key(busy.account)).toEqual({ key: expect.stringMatching(/^[0-9A-F]{64}$/) });
    const denied = new NanoClient({ url: serve.url, requestHeaders: { 'Nano-Api-Key': DENIED } });
    await expect(denied.account_balance(busy.account)).rejects.toEqual({ error: 'Access denied' });
    expect(await denied.version()).toMatchObject({ rpc_version: '1' });
  });

  it('nano-wallet-js (URL only, key in the path): NanoWallet.sync() completes for an opened and for an unopened account', async () => {
    const url = `${serve.url}/key/${CLIENT}`;
    // The fixture key of an account, found by the library's own derivation (nanocurrency's).
    const indexOf = (account: string): number =>
      [...Array(64).keys()].find(
        (i) =>
          new NanoWallet({
            rpcUrls: [url],
            workerUrls: [url],
            privateKey: fixturePrivateKey(i),
            representative: account,
            precomputeWork: false,
          }).account === account,
      )!;
    // Both keys are found before the first request: the search is seconds of synchronous CPU on a
    // loaded machine, and a fetch keep-alive socket left idle that long races the gateway's
    // keep_alive_timeout (the server closes it as the client reuses it: "other side closed").
    const openedKey = fixturePrivateKey(indexOf(busy.account));
    const freshKey = fixturePrivateKey(indexOf(unopened));
    const opened = new NanoWallet({
      rpcUrls: [url],
      workerUrls: [url],
      privateKey: openedKey,
      representative: busy.representative,
      precomputeWork: false,
    });
    expect(opened.account).toBe(busy.account);
    await opened.sync();
    expect(opened.state).toMatchObject({
      balance: busy.balance,
      frontier: busy.frontier,
      representative: busy.representative,
    });

    const fresh = new NanoWallet({
      rpcUrls: [url],
      workerUrls: [url],
      privateKey: freshKey,
      representative: busy.representative,
      precomputeWork: false,
    });
    await fresh.sync();
    const waiting = ledger.blocks.filter((b) => b.subtype === 'send' && b.contents.link_as_account === unopened);
    expect(fresh.state.receivableBlocks.map((b) => b.blockHash).sort()).toEqual(waiting.map((b) => b.hash).sort());
    expect(BigInt(fresh.state.receivable)).toBeGreaterThan(0n);
    expect(fresh.state.frontier).toBeNull();
  });

  it("nano-wallet-js: a denial reaches the caller as a node error, with the node's text", async () => {
    const url = `${serve.url}/key/${DENIED}`;
    const wallet = new NanoWallet({
      rpcUrls: [url],
      workerUrls: [url],
      privateKey: fixturePrivateKey(0),
      representative: busy.representative,
      precomputeWork: false,
    });
    await expect(wallet.sync()).rejects.toThrow(/^Access denied$/);
  });
});

describe('public client libraries against serve with legacy_denial_status = 403', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("lose the node's text: a 403 is a transport failure to them (why 200 is the default)", async () => {
    const serve = await startServe(cleanups, '', 'legacy_denial_status = 403\n');
    const url = `${serve.url}/key/${DENIED}`;
    const wallet = new NanoWallet({
      rpcUrls: [url],
      workerUrls: [url],
      privateKey: fixturePrivateKey(0),
      representative: busy.representative,
      precomputeWork: false,
    });
    await expect(wallet.sync()).rejects.toThrow(/^bad status in response$/);
    const client = new NanoClient({ url: serve.url, requestHeaders: { 'Nano-Api-Key': DENIED } });
    await expect(client.account_balance(busy.account)).rejects.toThrow(/Request failed with status code 403/);
  });
});
