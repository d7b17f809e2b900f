/**
 * Writes fixtures/data/ledger.json: a small, self-consistent Nano ledger for the
 * embedded backend. Keys are derived from a fixed seed, so the file is
 * reproducible; every block is a real state block with its real hash and a real
 * Ed25519-BLAKE2b signature. Work values are placeholders (the embedded
 * backend does not check proof of work).
 *
 *   npx tsx packages/protocol/scripts/gen-ledger.ts [out.json]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { blake2b } from '../src/crypto/blake2b';
import { deterministicPrivateKey, publicKeyOf, sign } from '../src/crypto/ed25519-blake2b';
import { encodeAccount } from '../src/crypto/nano-address';
import type { LedgerAccountData, LedgerBlockData, LedgerData } from '../src/backends/embedded/ledger';
import { stateBlockHash, type StateBlock, ZERO_HASH } from '../src/backends/embedded/state-block';

const NANO = 10n ** 30n;
const seed = blake2b(Buffer.from('nano-access fixture ledger v1'), 32);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

interface Key {
  priv: Uint8Array;
  pub: Uint8Array;
  account: string;
}
const key = (i: number): Key => {
  const priv = deterministicPrivateKey(seed, i);
  const pub = publicKeyOf(priv);
  return { priv, pub, account: encodeAccount(pub) };
};

let clock = 1_700_000_000;
// A tiny deterministic generator (xorshift) for amounts and choices.
let state = 0x2545f491;
const rand = (n: number): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
};

interface Chain {
  key: Key;
  blocks: LedgerBlockData[];
  balance: bigint;
  representative: string;
}
const chains = new Map<string, Chain>();
const pending = new Map<string, { hash: string; amount: bigint }[]>();

function append(
  chain: Chain,
  balance: bigint,
  link: string,
  representative: string,
  subtype: LedgerBlockData['subtype'],
): string {
  const previous = chain.blocks.length ? chain.blocks[chain.blocks.length - 1].hash : ZERO_HASH;
  const contents: StateBlock = {
    type: 'state',
    account: chain.key.account,
    previous,
    representative,
    balance: balance.toString(),
    link,
    link_as_account: encodeAccount(Buffer.from(link, 'hex')),
    signature: '',
    work: blake2b(Buffer.from(`work ${chain.key.account} ${chain.blocks.length}`), 8).reduce(
      (s, b) => s + b.toString(16).padStart(2, '0'),
      '',
    ),
  };
  const hash = stateBlockHash(contents);
  contents.signature = hex(sign(chain.key.priv, Buffer.from(hash, 'hex')));
  clock += 37 + rand(600);
  chain.blocks.push({
    hash,
    subtype,
    height: String(chain.blocks.length + 1),
    local_timestamp: String(clock),
    contents,
  });
  chain.balance = balance;
  chain.representative = representative;
  return hash;
}

function send(from: Chain, to: string, amount: bigint): void {
  const hash = append(from, from.balance - amount, publicHex(to), from.representative, 'send');
  const list = pending.get(to) ?? [];
  list.push({ hash, amount });
  pending.set(to, list);
}

const publicKeys = new Map<string, string>();
function publicHex(account: string): string {
  return publicKeys.get(account)!;
}

function receiveAll(chain: Chain, representative?: string): void {
  for (const p of pending.get(chain.key.account) ?? []) {
    append(
      chain,
      chain.balance + p.amount,
      p.hash,
      representative ?? chain.representative,
      chain.blocks.length === 0 ? 'open' : 'receive',
    );
  }
  pending.delete(chain.key.account);
}

const keys = Array.from({ length: 40 }, (_, i) => key(i));
for (const k of keys) publicKeys.set(k.account, hex(k.pub));
const newChain = (k: Key, representative: string): Chain => {
  const chain = { key: k, blocks: [], balance: 0n, representative };
  chains.set(k.account, chain);
  return chain;
};

// 0: the faucet, opened by a receive from outside the file (the genesis distribution).
const reps = keys.slice(1, 5);
const faucet = newChain(keys[0], reps[0].account);
append(faucet, 1_000_000n * NANO, hex(blake2b(Buffer.from('genesis distribution'), 32)), reps[0].account, 'open');

// 1-4: representatives, each funded and representing itself.
for (const [i, r] of reps.entries()) {
  send(faucet, r.account, BigInt(50_000 + i * 25_000) * NANO + BigInt(rand(1_000_000)) * 10n ** 24n);
  receiveAll(newChain(r, r.account), r.account);
}

// 5-36: users delegating to a representative; some send to each other, some change representative.
const users = keys.slice(5, 37);
for (const u of users) {
  const rep = reps[rand(reps.length)].account;
  send(faucet, u.account, BigInt(10 + rand(5000)) * NANO + BigInt(rand(1_000_000_000)) * 10n ** 21n);
  receiveAll(newChain(u, rep), rep);
}
for (let i = 0; i < 12; i++) {
  const from = chains.get(users[rand(users.length)].account)!;
  const to = users[rand(users.length)].account;
  if (to === from.key.account) continue;
  send(from, to, from.balance / BigInt(3 + rand(7)));
}
for (const u of users.slice(0, 20)) receiveAll(chains.get(u.account)!);
for (const u of users.slice(20, 24))
  append(chains.get(u.account)!, chains.get(u.account)!.balance, ZERO_HASH, reps[rand(reps.length)].account, 'change');
// 37-39 stay unopened; two of them have receivable sends waiting.
send(faucet, keys[37].account, 42n * NANO);
send(faucet, keys[38].account, 1n * NANO + 123456789n);

// Weights from the final balances.
const weights = new Map<string, bigint>();
for (const c of chains.values()) weights.set(c.representative, (weights.get(c.representative) ?? 0n) + c.balance);

const accounts: LedgerAccountData[] = [...chains.values()].map((c, i) => {
  const frontier = c.blocks[c.blocks.length - 1];
  // A few accounts have their newest block not cemented yet.
  const unconfirmed = i % 11 === 10 && c.blocks.length > 1 ? 1 : 0;
  const entry: LedgerAccountData = {
    account: c.key.account,
    representative: c.representative,
    balance: c.balance.toString(),
    frontier: frontier.hash,
    open_block: c.blocks[0].hash,
    block_count: String(c.blocks.length),
    confirmation_height: String(c.blocks.length - unconfirmed),
    modified_timestamp: frontier.local_timestamp,
  };
  const weight = weights.get(c.key.account);
  if (weight !== undefined) entry.weight = weight.toString();
  return entry;
});

const data: LedgerData = {
  network: 'live',
  node_vendor: 'Nano V27.1',
  accounts,
  blocks: [...chains.values()].flatMap((c) => c.blocks),
};
const out = resolve(process.argv[2] ?? resolve(__dirname, '../../../fixtures/data/ledger.json'));
writeFileSync(out, JSON.stringify(data, null, 2) + '\n');
process.stdout.write(`wrote ${out}: ${accounts.length} accounts, ${data.blocks.length} blocks\n`);
