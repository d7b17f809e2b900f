import {
  accountKeyDigest,
  createEmbeddedBackend,
  EmbeddedBackend,
  type BackendEvent,
  type LedgerData,
} from '@nano-access/protocol';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LEDGER_PATH, ledgerData } from '../../helpers';
import { fixtureKey, signedBlock } from './fixture-keys';

const ZERO = '0'.repeat(64);

function backend(): EmbeddedBackend {
  return new EmbeddedBackend(ledgerData());
}

/** The receivable send the fixture leaves for an unopened account. */
function pendingSendTo(publicHex: string): { hash: string; amount: bigint } {
  const data = ledgerData();
  const send = data.blocks.find((b) => b.subtype === 'send' && b.contents.link === publicHex)!;
  const prev = data.blocks.find((b) => b.hash === send.contents.previous)!;
  return { hash: send.hash, amount: BigInt(prev.contents.balance) - BigInt(send.contents.balance) };
}

describe('EmbeddedBackend: queries', () => {
  const data = ledgerData();
  const account = data.accounts.find((a) => Number(a.block_count) > 2)!;

  it('loads the fixture file through createEmbeddedBackend', async () => {
    const b = await createEmbeddedBackend({ ledgerPath: LEDGER_PATH });
    expect(await b.legacy({ action: 'block_count' })).toEqual({
      count: String(data.blocks.length),
      unchecked: '0',
      cemented: expect.stringMatching(/^\d+$/),
    });
    await b.close();
  });

  it('answers account_info with the node field names and string numbers', async () => {
    const res = backend().legacy({
      action: 'account_info',
      account: account.account,
      representative: 'true',
      weight: 'true',
      receivable: 'true',
    });
    expect(res).toEqual({
      frontier: account.frontier,
      open_block: account.open_block,
      representative_block: expect.stringMatching(/^[0-9A-F]{64}$/),
      balance: account.balance,
      modified_timestamp: account.modified_timestamp,
      block_count: account.block_count,
      account_version: '2',
      confirmation_height: account.confirmation_height,
      confirmation_height_frontier: expect.stringMatching(/^[0-9A-F]{64}$/),
      representative: account.representative,
      weight: account.weight ?? '0',
      pending: expect.stringMatching(/^\d+$/),
      receivable: expect.stringMatching(/^\d+$/),
    });
  });

  it('answers balance, representative, block count and weight', async () => {
    const b = backend();
    expect(b.legacy({ action: 'account_balance', account: account.account })).toMatchObject({
      balance: account.balance,
    });
    expect(b.legacy({ action: 'account_representative', account: account.account })).toEqual({
      representative: account.representative,
    });
    expect(b.legacy({ action: 'account_block_count', account: account.account })).toEqual({
      block_count: account.block_count,
    });
    const rep = data.accounts.find((a) => a.weight !== undefined)!;
    expect(b.legacy({ action: 'account_weight', account: rep.account })).toEqual({ weight: rep.weight });
    expect(b.legacy({ action: 'delegators_count', account: rep.account })).toEqual({
      count: String(data.accounts.filter((a) => a.representative === rep.account).length),
    });
  });

  it('answers account_weight for every form of an address, and refuses a bad checksum', () => {
    const b = backend();
    const rep = data.accounts.find((a) => a.weight !== undefined)!;
    const body = rep.account.slice('nano_'.length);
    expect(b.legacy({ action: 'account_weight', account: `xrb_${body}` })).toEqual({ weight: rep.weight });
    for (const prefix of ['nano-', 'xrb-'])
      expect(b.legacy({ action: 'account_weight', account: prefix + body })).toEqual({
        weight: rep.weight,
        deprecated_account_format: '1',
      });
    // The same key with its last checksum character changed is not an account.
    const last = body.charAt(body.length - 1) === '1' ? '3' : '1';
    expect(b.legacy({ action: 'account_weight', account: `nano_${body.slice(0, -1)}${last}` })).toEqual({
      error: 'Bad account number',
    });
    expect(b.legacy({ action: 'account_weight', account: 'nano_1111' })).toEqual({ error: 'Bad account number' });
    // A valid account nobody delegates to weighs 0.
    expect(b.legacy({ action: 'account_weight', account: fixtureKey(39).account })).toEqual({ weight: '0' });
  });

  it('answers the node errors for bad and unknown accounts', async () => {
    const b = backend();
    expect(b.legacy({ action: 'account_info', account: 'nano_1111' })).toEqual({ error: 'Bad account number' });
    expect(b.legacy({ action: 'account_info', account: fixtureKey(39).account })).toEqual({
      error: 'Account not found',
    });
    expect(b.legacy({ action: 'account_balance', account: fixtureKey(39).account })).toEqual({
      balance: '0',
      pending: '0',
      receivable: '0',
    });
  });

  it('answers block_info with contents as a string, or an object with json_block', async () => {
    const b = backend();
    const block = data.blocks.find((x) => x.subtype === 'send')!;
    const text = b.legacy({ action: 'block_info', hash: block.hash });
    expect(typeof text.contents).toBe('string');
    expect(JSON.parse(text.contents as string)).toEqual(block.contents);
    const json = b.legacy({ action: 'block_info', hash: block.hash, json_block: 'true' });
    expect(json).toMatchObject({
      block_account: block.contents.account,
      balance: block.contents.balance,
      height: block.height,
      subtype: 'send',
      contents: block.contents,
    });
    expect(b.legacy({ action: 'block', hash: block.hash, json_block: true })).toEqual(json);
    expect(b.legacy({ action: 'block_info', hash: ZERO })).toEqual({ error: 'Block not found' });
    expect(b.legacy({ action: 'block_info', hash: 'xyz' })).toEqual({ error: 'Invalid block hash' });
  });

  it('answers blocks_info, with include_not_found', async () => {
    const b = backend();
    const hashes = data.blocks.slice(0, 3).map((x) => x.hash);
    const res = b.legacy({ action: 'blocks_info', hashes: [...hashes, ZERO], include_not_found: 'true' });
    expect(Object.keys(res.blocks as object)).toEqual(hashes);
    expect(res.blocks_not_found).toEqual([ZERO]);
    expect(b.legacy({ action: 'blocks_info', hashes: [ZERO] })).toEqual({ error: 'Block not found' });
  });

  it('answers representatives sorted by weight and limited by count', async () => {
    const res = backend().legacy({ action: 'representatives', sorting: 'true', count: '2' });
    const weights = Object.values(res.representatives as Record<string, string>).map(BigInt);
    expect(weights).toHaveLength(2);
    expect(weights[0] >= weights[1]).toBe(true);
  });

  it('answers version and uptime', async () => {
    let now = 1000;
    const b = new EmbeddedBackend(ledgerData(), () => now);
    expect(b.legacy({ action: 'version' })).toMatchObject({
      rpc_version: '1',
      node_vendor: 'Nano V27.1',
      network: 'live',
    });
    now += 42;
    expect(b.legacy({ action: 'uptime' })).toEqual({ seconds: '42' });
  });

  it('answers an action it does not implement with its own error and code, never Unknown command', async () => {
    const notImplemented = { error: 'Not implemented by the embedded backend', code: 'NA_PROTOCOL_NOT_IMPLEMENTED' };
    expect(backend().legacy({ action: 'peers' })).toEqual(notImplemented);
    expect(backend().legacy({ action: 'constructor' })).toEqual(notImplemented);
  });
});

describe('EmbeddedBackend: process', () => {
  it('receives a pending send, cements it, updates weight and publishes a confirmation', async () => {
    const b = backend();
    const events: BackendEvent[] = [];
    b.subscribe((e) => events.push(e));
    const key = fixtureKey(37);
    const pending = pendingSendTo(key.publicHex);
    const rep = ledgerData().accounts.find((a) => a.weight !== undefined)!;
    const before = BigInt((b.legacy({ action: 'account_weight', account: rep.account }) as { weight: string }).weight);
    const countBefore = Number(b.legacy({ action: 'block_count' }).count);
    const block = signedBlock(key.priv, {
      account: key.account,
      previous: ZERO,
      representative: rep.account,
      balance: pending.amount.toString(),
      link: pending.hash,
    });
    const { hash, ...contents } = block;
    expect(b.legacy({ action: 'process', json_block: 'true', subtype: 'receive', block: contents })).toEqual({
      hash,
    });
    expect(Number(b.legacy({ action: 'block_count' }).count)).toBe(countBefore + 1);
    expect(b.legacy({ action: 'account_info', account: key.account })).toMatchObject({
      frontier: hash,
      balance: pending.amount.toString(),
      block_count: '1',
      confirmation_height: '1',
    });
    expect(b.legacy({ action: 'account_weight', account: rep.account })).toEqual({
      weight: (before + pending.amount).toString(),
    });
    // The v2 message reads the same weight (its decimal text is made when the weight changes).
    expect(b.message('AccountWeight', { account: rep.account })).toEqual({
      ok: true,
      messageType: 'AccountWeightResponse',
      message: { voting_weight: (before + pending.amount).toString() },
    });
    // And so does the dispatcher's path, which reads the weight by the account's digest.
    expect(b.message('AccountWeight', { account: rep.account }, accountKeyDigest(rep.account))).toEqual({
      ok: true,
      messageType: 'AccountWeightResponse',
      message: { voting_weight: (before + pending.amount).toString() },
    });
    expect(b.legacy({ action: 'account_balance', account: key.account })).toMatchObject({ receivable: '0' });
    expect(events).toEqual([
      {
        type: 'confirmation',
        confirmation: expect.objectContaining({
          account: key.account,
          hash,
          amount: pending.amount.toString(),
          confirmationType: 'active_quorum',
        }),
      },
    ]);
    // The same block again is old; a second open is a fork.
    expect(b.legacy({ action: 'process', block: JSON.stringify(contents) })).toEqual({ error: 'Old block' });
    const fork = signedBlock(key.priv, {
      account: key.account,
      previous: ZERO,
      representative: key.account,
      balance: pending.amount.toString(),
      link: pending.hash,
    });
    const { hash: _h, ...forkContents } = fork;
    expect(b.legacy({ action: 'process', json_block: true, block: forkContents })).toEqual({ error: 'Fork' });
  });

  it('refuses a bad signature, a gap and a wrong amount, adding nothing', async () => {
    const b = backend();
    const key = fixtureKey(38);
    const pending = pendingSendTo(key.publicHex);
    const count = b.legacy({ action: 'block_count' }).count;
    const good = signedBlock(key.priv, {
      account: key.account,
      previous: ZERO,
      representative: key.account,
      balance: pending.amount.toString(),
      link: pending.hash,
    });
    const { hash: _h, ...contents } = good;
    const forged = {
      ...contents,
      signature: contents.signature.slice(0, -2) + (contents.signature.endsWith('00') ? '01' : '00'),
    };
    expect(b.legacy({ action: 'process', json_block: 'true', block: forged })).toEqual({
      error: 'Bad signature',
    });
    const gap = signedBlock(key.priv, {
      account: key.account,
      previous: 'AB'.repeat(32),
      representative: key.account,
      balance: '1',
      link: ZERO,
    });
    expect(b.legacy({ action: 'process', json_block: 'true', block: { ...gap, hash: undefined } })).toEqual({
      error: 'Gap previous block',
    });
    const wrong = signedBlock(key.priv, {
      account: key.account,
      previous: ZERO,
      representative: key.account,
      balance: (pending.amount + 1n).toString(),
      link: pending.hash,
    });
    const { hash: _w, ...wrongContents } = wrong;
    expect(b.legacy({ action: 'process', json_block: 'true', block: wrongContents })).toEqual({
      error: 'Balance and amount delta do not match',
    });
    expect(b.legacy({ action: 'process', json_block: 'true', block: { ...contents, type: 'send' } })).toEqual({
      error: 'Block is invalid',
    });
    expect(b.legacy({ action: 'block_count' }).count).toBe(count);
  });
});

describe('EmbeddedBackend: wallet', () => {
  it('creates deterministic accounts as the node (seed 0, index 0 test vector)', async () => {
    const b = backend();
    const { wallet } = b.legacy({ action: 'wallet_create', seed: ZERO }) as { wallet: string };
    expect(wallet).toMatch(/^[0-9A-F]{64}$/);
    expect(b.legacy({ action: 'account_create', wallet })).toEqual({
      account: 'nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7',
    });
    const second = b.legacy({ action: 'account_create', wallet }) as { account: string };
    expect(b.legacy({ action: 'account_list', wallet })).toEqual({
      accounts: ['nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7', second.account],
    });
    expect(b.legacy({ action: 'wallet_contains', wallet, account: second.account })).toEqual({ exists: '1' });
    expect(b.legacy({ action: 'wallet_balances', wallet })).toEqual({
      balances: {
        [second.account]: { balance: '0', pending: '0', receivable: '0' },
        nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7: {
          balance: '0',
          pending: '0',
          receivable: '0',
        },
      },
    });
  });

  it('adds an ad-hoc key and reports wallet errors', async () => {
    const b = backend();
    const { wallet } = b.legacy({ action: 'wallet_create' }) as { wallet: string };
    const key = fixtureKey(5);
    expect(b.legacy({ action: 'wallet_add', wallet, key: Buffer.from(key.priv).toString('hex') })).toEqual({
      account: key.account,
    });
    const balances = b.legacy({ action: 'wallet_balances', wallet }) as {
      balances: Record<string, { balance: string }>;
    };
    expect(balances.balances[key.account].balance).toBe(
      ledgerData().accounts.find((a) => a.account === key.account)!.balance,
    );
    expect(b.legacy({ action: 'wallet_add', wallet, key: 'zz' })).toEqual({ error: 'Bad private key' });
    expect(b.legacy({ action: 'account_list', wallet: 'nope' })).toEqual({ error: 'Bad wallet number' });
    expect(b.legacy({ action: 'account_list', wallet: ZERO })).toEqual({ error: 'Wallet not found' });
  });
});

describe('EmbeddedBackend: ledger file checks', () => {
  it('refuses a ledger whose declared balance disagrees with its blocks', () => {
    const data: LedgerData = ledgerData();
    data.accounts[3].balance = '1';
    expect(() => new EmbeddedBackend(data)).toThrow(expect.objectContaining({ code: 'NA_PROTOCOL_LEDGER_INVALID' }));
  });

  it('refuses a block whose hash does not match its contents', () => {
    const data: LedgerData = ledgerData();
    data.blocks[2].contents.balance = '5';
    expect(() => new EmbeddedBackend(data)).toThrow(/does not match its contents/);
  });

  it('rejects a missing or broken ledger file with NA_PROTOCOL_LEDGER_INVALID', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-ledger-'));
    try {
      await expect(createEmbeddedBackend({ ledgerPath: path.join(dir, 'missing.json') })).rejects.toMatchObject({
        code: 'NA_PROTOCOL_LEDGER_INVALID',
      });
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"accounts": ');
      await expect(createEmbeddedBackend({ ledgerPath: path.join(dir, 'bad.json') })).rejects.toMatchObject({
        code: 'NA_PROTOCOL_LEDGER_INVALID',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
