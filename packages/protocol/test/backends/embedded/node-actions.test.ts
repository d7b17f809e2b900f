import { EmbeddedBackend, type LedgerData } from '@nano-access/protocol';
import { ledgerData } from '../../helpers';
import { fixtureKey, signedBlock } from './fixture-keys';

/**
 * The embedded backend's account_query and utility actions against the node's RPC documentation:
 * the utility actions with the documentation's own requests and answers; the ledger actions with
 * its requests and the shape of its answers (field names, value types, which fields an option
 * adds), over the fixture ledger, whose values are checked against the ledger file itself.
 */

const ZERO = '0'.repeat(64);
const HASH = /^[0-9A-F]{64}$/;
const ACCOUNT = /^nano_[13][13456789abcdefghijkmnopqrstuwxyz]{59}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

const data = ledgerData();
const backend = (ledger: LedgerData = data): EmbeddedBackend => new EmbeddedBackend(ledger, () => 1_700_000_000);
const call = (request: Record<string, unknown>, b = backend()) =>
  Promise.resolve(b.legacy(request as { action: string }));

/** The shape of an answer: every leaf as its kind, keys that are hashes or accounts as placeholders, lists by their first entry. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[HASH.test(key) ? '<hash>' : ACCOUNT.test(key) ? '<account>' : key] = shape(inner);
    return out;
  }
  if (typeof value !== 'string') return typeof value;
  if (HASH.test(value)) return '<hash>';
  if (ACCOUNT.test(value)) return '<account>';
  if (value === 'true' || value === 'false') return '<bool>';
  if (DECIMAL.test(value)) return '<decimal>';
  return '<text>';
}

// Accounts of the fixture, picked by what the tests need.
const faucet = data.accounts.reduce((a, b) => (Number(b.block_count) > Number(a.block_count) ? b : a));
const partlyConfirmed = data.accounts.find((a) => Number(a.confirmation_height) < Number(a.block_count))!;
const representative = data.accounts.find((a) => a.weight !== undefined && a.weight !== '0')!;
const blocksOf = (account: string) =>
  data.blocks.filter((b) => b.contents.account === account).sort((x, y) => Number(x.height) - Number(y.height));
/** Sends to accounts that have no blocks: the fixture's receivables for unopened accounts. */
const unopenedSends = data.blocks.filter(
  (b) =>
    b.subtype === 'send' && !data.accounts.some((a) => blocksOf(a.account).some((r) => r.contents.link === b.hash)),
);
const destinationOf = (send: (typeof data.blocks)[number]) => send.contents.link_as_account;
const amountOf = (hash: string): bigint => {
  const block = data.blocks.find((b) => b.hash === hash)!;
  const previous = data.blocks.find((b) => b.hash === block.contents.previous);
  const before = previous === undefined ? 0n : BigInt(previous.contents.balance);
  const after = BigInt(block.contents.balance);
  return after > before ? after - before : before - after;
};

describe("utility actions, with the node documentation's requests and answers", () => {
  it('account_get', async () => {
    expect(
      await call({ action: 'account_get', key: '3068BB1CA04525BB0E416C485FE6A67FD52540227D267CC8B6E8DA958A7FA039' }),
    ).toEqual({
      account: 'nano_1e5aqegc1jb7qe964u4adzmcezyo6o146zb8hm6dft8tkp79za3sxwjym5rx',
    });
    expect(await call({ action: 'account_get', key: 'xyz' })).toEqual({ error: 'Bad public key' });
    expect(await call({ action: 'account_get' })).toEqual({ error: 'Unable to parse JSON' });
  });

  it('account_key', async () => {
    expect(
      await call({
        action: 'account_key',
        account: 'nano_1e5aqegc1jb7qe964u4adzmcezyo6o146zb8hm6dft8tkp79za3sxwjym5rx',
      }),
    ).toEqual({
      key: '3068BB1CA04525BB0E416C485FE6A67FD52540227D267CC8B6E8DA958A7FA039',
    });
    expect(
      await call({
        action: 'account_key',
        account: 'nano_1e5aqegc1jb7qe964u4adzmcezyo6o146zb8hm6dft8tkp79za3sxwjym5ry',
      }),
    ).toEqual({ error: 'Bad account number' });
    // The deprecated dash form is read, and marked as the node marks it.
    expect(
      await call({
        action: 'account_key',
        account: 'xrb-1e5aqegc1jb7qe964u4adzmcezyo6o146zb8hm6dft8tkp79za3sxwjym5rx',
      }),
    ).toEqual({
      deprecated_account_format: '1',
      key: '3068BB1CA04525BB0E416C485FE6A67FD52540227D267CC8B6E8DA958A7FA039',
    });
  });

  it('key_expand', async () => {
    expect(
      await call({ action: 'key_expand', key: '781186FB9EF17DB6E3D1056550D9FAE5D5BBADA6A6BC370E4CBB938B1DC71DA3' }),
    ).toEqual({
      private: '781186FB9EF17DB6E3D1056550D9FAE5D5BBADA6A6BC370E4CBB938B1DC71DA3',
      public: '3068BB1CA04525BB0E416C485FE6A67FD52540227D267CC8B6E8DA958A7FA039',
      account: 'nano_1e5aqegc1jb7qe964u4adzmcezyo6o146zb8hm6dft8tkp79za3sxwjym5rx',
    });
    expect(await call({ action: 'key_expand', key: 'not hex' })).toEqual({ error: 'Bad private key' });
  });

  it("deterministic_key, and the node's reading of the index", async () => {
    const expected = {
      private: '9F0E444C69F77A49BD0BE89DB92C38FE713E0963165CCA12FAF5712D7657120F',
      public: 'C008B814A7D269A1FA3C6528B19201A24D797912DB9996FF02A1FF356E45552B',
      account: 'nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7',
    };
    expect(await call({ action: 'deterministic_key', seed: ZERO, index: '0' })).toEqual(expected);
    expect(await call({ action: 'deterministic_key', seed: ZERO, index: 0 })).toEqual(expected);
    expect(await call({ action: 'deterministic_key', seed: ZERO, index: '4294967296' })).toEqual(expected); // 2^32 wraps to 0
    expect(await call({ action: 'deterministic_key', seed: ZERO, index: 'x' })).toEqual({ error: 'Invalid index' });
    expect(await call({ action: 'deterministic_key', seed: 'zz', index: '0' })).toEqual({ error: 'Bad seed' });
    expect(await call({ action: 'deterministic_key', seed: ZERO })).toEqual({ error: 'Unable to parse JSON' });
  });

  it('key_create gives a fresh pair each time that key_expand reproduces', async () => {
    const first = await call({ action: 'key_create' });
    const second = await call({ action: 'key_create' });
    expect(shape(first)).toEqual({ private: '<hash>', public: '<hash>', account: '<account>' });
    expect(first.private).not.toBe(second.private);
    expect(await call({ action: 'key_expand', key: first.private })).toEqual(first);
  });

  it('nano_to_raw and raw_to_nano', async () => {
    expect(await call({ action: 'nano_to_raw', amount: '1' })).toEqual({ amount: '1000000000000000000000000000000' });
    expect(await call({ action: 'raw_to_nano', amount: '1000000000000000000000000000000' })).toEqual({ amount: '1' });
    expect(await call({ action: 'raw_to_nano', amount: '1999999999999999999999999999999' })).toEqual({ amount: '1' });
    expect(await call({ action: 'nano_to_raw', amount: '340282366' })).toEqual({
      amount: '340282366000000000000000000000000000000',
    });
    // 128-bit arithmetic as the node's: an overflowing product, and 0, are "Amount too big".
    expect(await call({ action: 'nano_to_raw', amount: '340282367' })).toEqual({ error: 'Amount too big' });
    expect(await call({ action: 'nano_to_raw', amount: '0' })).toEqual({ error: 'Amount too big' });
    expect(await call({ action: 'nano_to_raw', amount: '1.5' })).toEqual({ error: 'Invalid amount number' });
  });

  it('validate_account_number', async () => {
    expect(
      await call({
        action: 'validate_account_number',
        account: 'nano_1111111111111111111111111111111111111111111111111117353trpda',
      }),
    ).toEqual({ valid: '1' });
    expect(
      await call({
        action: 'validate_account_number',
        account: 'nano_1111111111111111111111111111111111111111111111111117353trpdb',
      }),
    ).toEqual({ valid: '0' });
    expect(await call({ action: 'validate_account_number', account: 42 })).toEqual({ valid: '0' });
  });

  it('block_hash', async () => {
    const block = {
      type: 'state',
      account: 'nano_3qgmh14nwztqw4wmcdzy4xpqeejey68chx6nciczwn9abji7ihhum9qtpmdr',
      previous: 'F47B23107E5F34B2CE06F562B5C435DF72A533251CB414C51B2B62A8F63A00E4',
      representative: 'nano_1hza3f7wiiqa7ig3jczyxj5yo86yegcmqk3criaz838j91sxcckpfhbhhra1',
      balance: '1000000000000000000000',
      link: '19D3D919475DEED4696B5D13018151D1AF88B2BD3BCFF048B45031C1F36D1858',
      link_as_account: 'nano_18gmu6engqhgtjnppqam181o5nfhj4sdtgyhy36dan3jr9spt84rzwmktafc',
      signature:
        '3BFBA64A775550E6D49DF1EB8EEC2136DCD74F090E2ED658FBD9E80F17CB1C9F9F7BDE2B93D95558EC2F277FFF15FD11E6E2162A1714731B743D1E941FA4560A',
      work: 'cab7404f0b5449d0',
    };
    const hash = { hash: 'FF0144381CFF0B2C079A115E7ADA7E96F43FD219446E7524C48D1CC9900C4F17' };
    expect(await call({ action: 'block_hash', json_block: 'true', block })).toEqual(hash);
    expect(await call({ action: 'block_hash', block: JSON.stringify(block) })).toEqual(hash);
    expect(await call({ action: 'block_hash', json_block: 'true', block: { ...block, balance: '-1' } })).toEqual({
      error: 'Block is invalid',
    });
    expect(await call({ action: 'block_hash', block: '{not json' })).toEqual({ error: 'Block is invalid' });
  });

  it('work_validate', async () => {
    // The documentation's request. Its printed difficulty (fffffff93c41ec94) is not what this work
    // gives for this root on any network; the work is real, though: it passes the epoch 1 threshold,
    // as do the works of the live blocks below, and a made-up value almost never would.
    const request = {
      action: 'work_validate',
      work: '2bf29ef00786a6bc',
      hash: '718CC2121C3E641059BC1C2CFC45666C99E8AE922F7A807B7D07B62C995D79E2',
    };
    const base = 2n ** 64n - 0xfffffff800000000n;
    const multiplier = (d: bigint): string => (Number(base) / Number(2n ** 64n - d)).toFixed(15);
    expect(await call(request)).toEqual({
      valid_all: '0',
      valid_receive: '1',
      difficulty: 'ffffffd21c3933f4',
      multiplier: multiplier(0xffffffd21c3933f4n),
    });
    expect(await call({ ...request, difficulty: 'ffffffc000000000' })).toMatchObject({ valid: '1', valid_all: '0' });
    expect(await call({ ...request, difficulty: 'ffffffffffffffff' })).toMatchObject({ valid: '0' });
    expect(await call({ ...request, multiplier: '0.125' })).toMatchObject({
      difficulty: 'ffffffd21c3933f4',
      valid_all: '0',
    });
    // Live-network blocks (block_info, block_hash examples): work over their previous block.
    for (const [work, root] of [
      ['8a142e07a10996d5', 'CE898C131AAEE25E05362F247760F8A3ACF34A9796A5AE0D9204E86B0637965E'],
      ['cab7404f0b5449d0', 'F47B23107E5F34B2CE06F562B5C435DF72A533251CB414C51B2B62A8F63A00E4'],
    ]) {
      expect(await call({ action: 'work_validate', work, hash: root, difficulty: 'ffffffc000000000' })).toMatchObject({
        valid: '1',
        valid_receive: '1',
      });
    }
    const low = await call({ ...request, work: '0000000000000000' });
    expect(low).toMatchObject({ valid_all: '0', valid_receive: '0' });
    expect(await call({ ...request, work: 'xyz' })).toEqual({ error: 'Bad work' });
    expect(await call({ ...request, difficulty: 'xyz' })).toEqual({ error: 'Bad difficulty' });
    expect(await call({ ...request, multiplier: '-1' })).toEqual({ error: 'Bad multiplier' });
    expect(await call({ ...request, version: 'work_2' })).toEqual({ error: 'Bad work version' });
  });
});

describe("account_query actions: the documentation's requests, its answers' shapes, the fixture's values", () => {
  it('account_balance counts only confirmed blocks and confirmed sends by default, everything with include_only_confirmed=false', async () => {
    const account = partlyConfirmed.account;
    const chain = blocksOf(account);
    const confirmed = chain[Number(partlyConfirmed.confirmation_height) - 1];
    const answer = await call({ action: 'account_balance', account });
    expect(shape(answer)).toEqual(shape({ balance: '10000', pending: '10000', receivable: '10000' }));
    expect(answer.balance).toBe(confirmed.contents.balance);
    expect((await call({ action: 'account_balance', account, include_only_confirmed: 'false' })).balance).toBe(
      partlyConfirmed.balance,
    );
  });

  it('account_info: the head is the representative block; include_confirmed adds the confirmed_ fields', async () => {
    const answer = await call({ action: 'account_info', account: faucet.account });
    expect(shape(answer)).toEqual(
      shape({
        frontier: 'FF84533A571D953A596EA401FD41743AC85D04F406E76FDE4408EAED50B473C5',
        open_block: '991CF190094C00F0B68E2E5F75F6BEE95A2E0BD93CEAA4A6734DB9F19B728948',
        representative_block: '991CF190094C00F0B68E2E5F75F6BEE95A2E0BD93CEAA4A6734DB9F19B728948',
        balance: '235580100176034320859259343606608761791',
        modified_timestamp: '1501793775',
        block_count: '33',
        account_version: '1',
        confirmation_height: '28',
        confirmation_height_frontier: '34C70FCA0952E29ADC7BEE6F20381466AE42BD1CFBA4B7DFFE8BD69DF95449EB',
      }),
    );
    expect(answer.representative_block).toBe(faucet.frontier);
    const full = await call({
      action: 'account_info',
      account: partlyConfirmed.account,
      representative: 'true',
      weight: 'true',
      receivable: 'true',
      include_confirmed: 'true',
    });
    expect(Object.keys(full)).toEqual([
      'frontier',
      'open_block',
      'representative_block',
      'balance',
      'confirmed_balance',
      'modified_timestamp',
      'block_count',
      'account_version',
      'confirmed_height',
      'confirmed_frontier',
      'representative',
      'confirmed_representative',
      'weight',
      'pending',
      'receivable',
      'confirmed_pending',
      'confirmed_receivable',
    ]);
    expect(full.confirmed_height).toBe(partlyConfirmed.confirmation_height);
    expect(full.confirmed_balance).not.toBe(full.balance);
    expect(await call({ action: 'account_info', account: fixtureKey(39).account })).toEqual({
      error: 'Account not found',
    });
  });

  it('account_info.representative_block is the head after a change block, not the block that first named the representative', async () => {
    const b = backend();
    const holder = data.accounts.find((a) => a.block_count === '1' && a.balance !== '0')!;
    const index = [...Array(40).keys()].find((i) => fixtureKey(i).account === holder.account)!;
    const key = fixtureKey(index);
    const [open] = blocksOf(holder.account);
    const send = signedBlock(key.priv, {
      account: holder.account,
      previous: open.hash,
      representative: open.contents.representative,
      balance: String(BigInt(holder.balance) - 1n),
      link: fixtureKey(1).publicHex,
    });
    expect(await call({ action: 'process', json_block: 'true', block: send }, b)).toEqual({ hash: send.hash });
    const info = await call({ action: 'account_info', account: holder.account }, b);
    expect(info.representative_block).toBe(send.hash);
    expect(info.representative_block).not.toBe(open.hash);
  });

  it('account_history: newest first, count and previous; raw, reverse with next, head and offset; account_filter', async () => {
    const account = faucet.account;
    const chain = blocksOf(account);
    const one = await call({ action: 'account_history', account, count: '1' });
    expect(shape(one)).toEqual(
      shape({
        account: 'nano_1ipx847tk8o46pwxt5qjdbncjqcbwcc1rrmqnkztrfjy5k7z4imsrata9est',
        history: [
          {
            type: 'send',
            account: 'nano_38ztgpejb7yrm7rr586nenkn597s3a1sqiy3m3uyqjicht7kzuhnihdk6zpz',
            amount: '80000000000000000000000000000000000',
            local_timestamp: '1551532723',
            height: '60',
            hash: '80392607E85E73CC3E94B4126F24488EBDFEB174944B890C97E8F36D89591DC5',
            confirmed: 'true',
          },
        ],
        previous: '8D3AB98B301224253750D448B4BD997132400CEDD0A8432F775724F2D9821C72',
      }),
    );
    const head = chain[chain.length - 1];
    expect(one.history).toEqual([
      expect.objectContaining({
        hash: head.hash,
        height: head.height,
        amount: amountOf(head.hash).toString(),
        account: head.contents.link_as_account,
      }),
    ]);
    expect(one.previous).toBe(head.contents.previous);

    const all = (await call({ action: 'account_history', account, count: '-1' })) as {
      history: Array<{ hash: string }>;
      previous?: string;
    };
    expect(all.history.map((h) => h.hash)).toEqual(
      chain
        .filter((b) => b.subtype !== 'change')
        .map((b) => b.hash)
        .reverse(),
    );
    expect(all).not.toHaveProperty('previous');

    const reverse = await call({ action: 'account_history', account, count: '2', reverse: 'true' });
    expect((reverse.history as Array<{ hash: string }>).map((h) => h.hash)).toEqual([chain[0].hash, chain[1].hash]);
    expect(reverse.next).toBe(chain[2].hash);
    const paged = await call({ action: 'account_history', account, count: '1', head: one.previous, offset: '1' });
    expect((paged.history as Array<{ hash: string }>)[0].hash).toBe(chain[chain.length - 3].hash);

    const raw = (await call({ action: 'account_history', account, count: '1', raw: 'true' })) as {
      history: Array<Record<string, string>>;
    };
    expect(Object.keys(raw.history[0])).toEqual([
      'type',
      'representative',
      'link',
      'balance',
      'previous',
      'subtype',
      'account',
      'amount',
      'local_timestamp',
      'height',
      'hash',
      'confirmed',
      'work',
      'signature',
    ]);
    expect(raw.history[0]).toMatchObject({
      type: 'state',
      subtype: 'send',
      signature: head.contents.signature,
      work: head.contents.work,
    });

    const target = head.contents.link_as_account;
    const filtered = (await call({ action: 'account_history', account, count: '-1', account_filter: [target] })) as {
      history: Array<{ account?: string; type: string }>;
    };
    expect(filtered.history.some((h) => h.account === target)).toBe(true);
    // As the node: entries naming another account are left out; a receive whose source is not in the ledger cannot be told apart and stays.
    expect(
      filtered.history.every((h) => h.account === target || (h.type === 'receive' && h.account === undefined)),
    ).toBe(true);
    expect(filtered.history.length).toBeLessThan(all.history.length);

    expect(await call({ action: 'account_history', account })).toEqual({ error: 'Unable to parse JSON' }); // count is required
    expect(await call({ action: 'account_history', account, count: '0' })).toEqual({ error: 'Invalid count' });
    expect(await call({ action: 'account_history', head: 'zz', count: '1' })).toEqual({ error: 'Bad hash number' });
    // An account the ledger does not have: an empty history, written as the node writes it.
    expect(await call({ action: 'account_history', account: fixtureKey(39).account, count: '1' })).toEqual({
      account: fixtureKey(39).account,
      history: '',
    });
  });

  it('history (deprecated): hash is the head, and the answer says deprecated', async () => {
    const head = blocksOf(faucet.account).at(-1)!;
    const request = { action: 'history', hash: head.hash, count: '1' };
    const answer = await call(request);
    expect(answer).toMatchObject({
      deprecated: '1',
      account: faucet.account,
      history: [expect.objectContaining({ hash: head.hash })],
    });
    // The caller's request is read, never changed.
    expect(request).toEqual({ action: 'history', hash: head.hash, count: '1' });
  });

  it('receivable: list, threshold map, source, sorting, offset, count; unconfirmed sends only on request', async () => {
    const send = unopenedSends[0];
    const destination = destinationOf(send);
    const hashes = unopenedSends
      .filter((s) => destinationOf(s) === destination && data.blocks.find((b) => b.hash === s.hash))
      .map((s) => s.hash);
    const list = await call({ action: 'receivable', account: destination, count: '1' });
    expect(shape(list)).toEqual(
      shape({ blocks: ['000D1BAEC8EC208142C99059B393051BAC8380F9B5A2E6B2489A277D81789F3F'] }),
    );
    expect(hashes).toContain((list.blocks as string[])[0]);
    const withThreshold = await call({ action: 'receivable', account: destination, count: '1', threshold: '1' });
    expect(shape(withThreshold)).toEqual(
      shape({
        blocks: {
          '000D1BAEC8EC208142C99059B393051BAC8380F9B5A2E6B2489A277D81789F3F': '6000000000000000000000000000000',
        },
      }),
    );
    const withSource = (await call({ action: 'receivable', account: destination, source: 'true' })) as {
      blocks: Record<string, { amount: string; source: string }>;
    };
    expect(shape(withSource)).toEqual(
      shape({
        blocks: {
          '000D1BAEC8EC208142C99059B393051BAC8380F9B5A2E6B2489A277D81789F3F': {
            amount: '6000000000000000000000000000000',
            source: 'nano_3dcfozsmekr1tr9skf1oa5wbgmxt81qepfdnt7zicq5x3hk65fg4fqj58mbr',
          },
        },
      }),
    );
    for (const [hash, entry] of Object.entries(withSource.blocks)) {
      expect(entry.amount).toBe(amountOf(hash).toString());
      expect(entry.source).toBe(data.blocks.find((b) => b.hash === hash)!.contents.account);
    }
    const sorted = (await call({ action: 'receivable', account: destination, sorting: 'true' })) as {
      blocks: Record<string, string>;
    };
    const amounts = Object.values(sorted.blocks).map(BigInt);
    expect([...amounts].sort((a, b) => (b > a ? 1 : b < a ? -1 : 0))).toEqual(amounts);
    expect(await call({ action: 'receivable', account: faucet.account })).toEqual({ blocks: '' });
    expect(await call({ action: 'receivable', account: destination, threshold: 'lots' })).toEqual({
      error: 'Bad threshold number',
    });
  });

  it('receivable leaves out sends not yet confirmed unless include_only_confirmed is false', async () => {
    const b = backend();
    const sender = data.accounts.find((a) => a.block_count === '1' && a.balance !== '0')!;
    const index = [...Array(40).keys()].find((i) => fixtureKey(i).account === sender.account)!;
    const [open] = blocksOf(sender.account);
    const send = signedBlock(fixtureKey(index).priv, {
      account: sender.account,
      previous: open.hash,
      representative: open.contents.representative,
      balance: '0',
      link: fixtureKey(38).publicHex,
    });
    expect(await call({ action: 'process', json_block: 'true', block: send }, b)).toEqual({ hash: send.hash });
    // process cements at once, so the send counts as confirmed.
    expect((await call({ action: 'receivable', account: fixtureKey(38).account }, b)).blocks).toContain(send.hash);
  });

  it('pending, pending_exists and accounts_pending answer as receivable and its siblings, marked deprecated', async () => {
    const destination = destinationOf(unopenedSends[0]);
    const receivable = await call({ action: 'receivable', account: destination });
    expect(await call({ action: 'pending', account: destination })).toEqual({ deprecated: '1', ...receivable });
    expect(await call({ action: 'pending_exists', hash: unopenedSends[0].hash })).toEqual({
      deprecated: '1',
      exists: '1',
    });
    const accounts = await call({ action: 'accounts_receivable', accounts: [destination] });
    expect(await call({ action: 'accounts_pending', accounts: [destination] })).toEqual({
      deprecated: '1',
      ...accounts,
    });
  });

  it('receivable_exists', async () => {
    expect(await call({ action: 'receivable_exists', hash: unopenedSends[0].hash })).toEqual({ exists: '1' });
    expect(await call({ action: 'receivable_exists', hash: blocksOf(faucet.account)[0].hash })).toEqual({
      exists: '0',
    });
    expect(await call({ action: 'receivable_exists', hash: ZERO })).toEqual({ error: 'Block not found' });
  });

  it('accounts_receivable: per account, by the same options', async () => {
    const destination = destinationOf(unopenedSends[0]);
    const simple = await call({ action: 'accounts_receivable', accounts: [destination, faucet.account], count: '1' });
    expect(shape(simple)).toEqual(
      shape({
        blocks: {
          nano_1111111111111111111111111111111111111111111111111117353trpda: [
            '142A538F36833D1CC78B94E11C766F75818F8B940771335C6C1B8AB880C5BB1D',
          ],
        },
      }),
    );
    const source = await call({ action: 'accounts_receivable', accounts: [destination], source: 'true' });
    expect(shape(source)).toEqual(
      shape({
        blocks: {
          nano_1111111111111111111111111111111111111111111111111117353trpda: {
            '142A538F36833D1CC78B94E11C766F75818F8B940771335C6C1B8AB880C5BB1D': {
              amount: '6',
              source: 'nano_3dcfozsmekr1tr9skf1oa5wbgmxt81qepfdnt7zicq5x3hk65fg4fqj58mbr',
            },
          },
        },
      }),
    );
    expect(await call({ action: 'accounts_receivable', accounts: [destination, 'nano_bad'] })).toEqual({
      error: 'Bad account number',
    });
  });

  it('accounts_balances, accounts_frontiers and accounts_representatives: failures per account under errors', async () => {
    const unknown = fixtureKey(39).account;
    const bad = 'nano_36uccgpjzhjsdbj44wm1y5hyz8gefx3wjpp1jircxt84nopxkxti5bzq1rnz';
    const balances = await call({ action: 'accounts_balances', accounts: [faucet.account, unknown, bad] });
    expect(balances).toEqual({
      balances: {
        [faucet.account]: {
          balance: expect.stringMatching(DECIMAL),
          pending: expect.stringMatching(DECIMAL),
          receivable: expect.stringMatching(DECIMAL),
        },
        [unknown]: { balance: '0', pending: '0', receivable: '0' },
      },
      errors: { [bad]: 'Bad account number' },
    });
    expect(await call({ action: 'accounts_balances', accounts: [bad] })).toEqual({
      errors: { [bad]: 'Bad account number' },
    });
    expect(await call({ action: 'accounts_frontiers', accounts: [faucet.account, unknown] })).toEqual({
      frontiers: { [faucet.account]: faucet.frontier },
      errors: { [unknown]: 'Account not found' },
    });
    expect(await call({ action: 'accounts_representatives', accounts: [faucet.account] })).toEqual({
      representatives: { [faucet.account]: faucet.representative },
    });
    expect(await call({ action: 'accounts_balances', accounts: [] })).toEqual({ error: 'Empty response' });
  });

  it('block_account, blocks, blocks_info (receivable, receive_hash, source, include_not_found)', async () => {
    const send = unopenedSends[0];
    expect(await call({ action: 'block_account', hash: send.hash })).toEqual({ account: send.contents.account });
    const blocks = await call({ action: 'blocks', json_block: 'true', hashes: [send.hash] });
    expect(blocks).toEqual({ blocks: { [send.hash]: send.contents } });
    const received = data.blocks.find((b) => b.subtype === 'receive')!;
    const info = (await call({
      action: 'blocks_info',
      hashes: [send.hash, received.hash],
      receivable: 'true',
      receive_hash: 'true',
      source: 'true',
      json_block: 'true',
    })) as {
      blocks: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(info.blocks[send.hash])).toEqual([
      'block_account',
      'amount',
      'balance',
      'height',
      'local_timestamp',
      'successor',
      'confirmed',
      'contents',
      'subtype',
      'pending',
      'receivable',
      'receive_hash',
      'source_account',
    ]);
    expect(info.blocks[send.hash]).toMatchObject({
      subtype: 'send',
      pending: '1',
      receivable: '1',
      receive_hash: ZERO,
      source_account: '0',
    });
    const source = data.blocks.find((b) => b.hash === received.contents.link)!;
    expect(info.blocks[received.hash]).toMatchObject({
      subtype: 'receive',
      pending: '0',
      source_account: source.contents.account,
    });
    const sourceInfo = (await call({ action: 'blocks_info', hashes: [source.hash], receive_hash: 'true' })) as {
      blocks: Record<string, Record<string, unknown>>;
    };
    expect(sourceInfo.blocks[source.hash].receive_hash).toBe(received.hash);
    expect(await call({ action: 'blocks_info', hashes: [ZERO], include_not_found: 'true' })).toEqual({
      blocks: '',
      blocks_not_found: [ZERO],
    });
    expect(await call({ action: 'blocks_info', hashes: ['zz'] })).toEqual({ error: 'Bad hash number' });
  });

  it('chain and successors, with count, offset and reverse', async () => {
    const chain = blocksOf(faucet.account).map((b) => b.hash);
    const head = chain[chain.length - 1];
    expect(await call({ action: 'chain', block: head, count: '2' })).toEqual({
      blocks: [head, chain[chain.length - 2]],
    });
    expect(await call({ action: 'chain', block: head, count: '1', offset: '1' })).toEqual({
      blocks: [chain[chain.length - 2]],
    });
    expect(await call({ action: 'successors', block: chain[0], count: '-1' })).toEqual({ blocks: chain });
    expect(await call({ action: 'chain', block: chain[0], count: '2', reverse: 'true' })).toEqual({
      blocks: [chain[0], chain[1]],
    });
    expect(await call({ action: 'chain', block: head })).toEqual({ error: 'Unable to parse JSON' });
  });

  it('delegators (threshold, count, start), delegators_count, representatives', async () => {
    const delegating = data.accounts.filter((a) => a.representative === representative.account);
    const answer = (await call({ action: 'delegators', account: representative.account })) as {
      delegators: Record<string, string>;
    };
    expect(Object.keys(answer.delegators).sort()).toEqual(delegating.map((a) => a.account).sort());
    expect(Object.keys(answer.delegators)).toEqual(
      Object.keys(answer.delegators).sort((a, b) => (a.slice(5) < b.slice(5) ? -1 : 1)),
    );
    const first = Object.keys(answer.delegators)[0];
    const after = (await call({ action: 'delegators', account: representative.account, start: first, count: '1' })) as {
      delegators: Record<string, string>;
    };
    expect(Object.keys(after.delegators)).toEqual([Object.keys(answer.delegators)[1]]);
    expect(await call({ action: 'delegators_count', account: representative.account })).toEqual({
      count: String(delegating.length),
    });
    const reps = (await call({ action: 'representatives', sorting: 'true', count: '2' })) as {
      representatives: Record<string, string>;
    };
    expect(Object.keys(reps.representatives)).toHaveLength(2);
    expect(await call({ action: 'representatives', count: 'x' })).toEqual({ error: 'Invalid count' });
  });

  it('frontiers, frontier_count and account_count, ledger, unopened, available_supply, pruned_exists', async () => {
    const ordered = [...data.accounts].sort((a, b) => (a.account.slice(5) < b.account.slice(5) ? -1 : 1));
    expect(
      await call({
        action: 'frontiers',
        account: 'nano_1111111111111111111111111111111111111111111111111111hifc8npp',
        count: '1',
      }),
    ).toEqual({ frontiers: { [ordered[0].account]: ordered[0].frontier } });
    expect(await call({ action: 'frontier_count' })).toEqual({ count: String(data.accounts.length) });
    expect(await call({ action: 'account_count' })).toEqual({ count: String(data.accounts.length) });
    const ledger = await call({
      action: 'ledger',
      account: 'nano_1111111111111111111111111111111111111111111111111111hifc8npp',
      count: '1',
      representative: 'true',
      weight: 'true',
      receivable: 'true',
    });
    expect(shape(ledger)).toEqual(
      shape({
        accounts: {
          nano_11119gbh8hb4hj1duf7fdtfyf5s75okzxdgupgpgm1bj78ex3kgy7frt3s9n: {
            pending: '0',
            receivable: '0',
            frontier: 'E71AF3E9DD86BBD8B4620EFA63E065B34D358CFC091ACB4E103B965F95783321',
            open_block: '643B77F1ECEFBDBE1CC909872964C1DBBE23A6149BD3CEF2B50B76044659B60F',
            representative_block: '643B77F1ECEFBDBE1CC909872964C1DBBE23A6149BD3CEF2B50B76044659B60F',
            balance: '0',
            modified_timestamp: '1511476234',
            block_count: '2',
            representative: 'nano_1anrzcuwe64rwxzcco8dkhpyxpi8kd7zsjc1oeimpc3ppca4mrjtwnqposrs',
            weight: '0',
          },
        },
      }),
    );
    const sorted = (await call({ action: 'ledger', sorting: 'true', count: '3' })) as {
      accounts: Record<string, { balance: string }>;
    };
    const balances = Object.values(sorted.accounts).map((a) => BigInt(a.balance));
    expect(balances).toEqual([...balances].sort((a, b) => (b > a ? 1 : b < a ? -1 : 0)));
    const unopened = (await call({ action: 'unopened' })) as { accounts: Record<string, string> };
    const expected = new Map<string, bigint>();
    for (const send of unopenedSends.filter((s) => !data.accounts.some((a) => a.account === destinationOf(s))))
      expected.set(destinationOf(send), (expected.get(destinationOf(send)) ?? 0n) + amountOf(send.hash));
    expect(Object.entries(unopened.accounts).map(([a, t]) => [a, BigInt(t)])).toEqual(
      [...expected].sort((a, b) => (a[0].slice(5) < b[0].slice(5) ? -1 : 1)),
    );
    expect(shape(await call({ action: 'available_supply' }))).toEqual(
      shape({ available: '133248061996216572282917317807824970865' }),
    );
    expect(await call({ action: 'pruned_exists', hash: ZERO })).toEqual({ error: 'Pruning is disabled' });
  });

  it('reads numbers and booleans as the node does: JSON numbers, "1", and "-1" for all', async () => {
    const chain = blocksOf(faucet.account);
    const byNumber = await call({ action: 'account_history', account: faucet.account, count: 2 });
    expect((byNumber.history as unknown[]).length).toBe(2);
    const raw = (await call({ action: 'account_history', account: faucet.account, count: '1', raw: 1 })) as {
      history: Array<{ type: string }>;
    };
    expect(raw.history[0].type).toBe('state');
    expect(((await call({ action: 'chain', block: chain.at(-1)!.hash, count: '-1' })).blocks as unknown[]).length).toBe(
      chain.length,
    );
  });
});
