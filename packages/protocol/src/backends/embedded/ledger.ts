import { ProtocolError, ProtocolErrorCode } from '../../errors';
import { accountPublicKeyHex, canonicalAccount, encodeAccount, lookupKey } from '../../crypto/nano-address';
import { verify } from '../../crypto/ed25519-blake2b';
import { isHash, isRaw, parseStateBlock, type StateBlock, ZERO_HASH } from './state-block';
import { WeightTable } from './weight-table';

/** One block of the ledger file: the node's block_info shape, contents as a JSON object. */
export interface LedgerBlockData {
  hash: string;
  subtype: 'send' | 'receive' | 'open' | 'change' | 'epoch';
  height: string;
  local_timestamp: string;
  contents: StateBlock;
}

/** One account of the ledger file; every derived field is checked against the blocks at load. */
export interface LedgerAccountData {
  account: string;
  representative: string;
  balance: string;
  frontier: string;
  open_block: string;
  block_count: string;
  confirmation_height: string;
  modified_timestamp: string;
  /** Voting weight delegated to this account (sum of its delegators' balances). */
  weight?: string;
}

/** The embedded backend's ledger file (fixtures/data/ledger.json). */
export interface LedgerData {
  network?: 'live' | 'beta' | 'test' | 'dev';
  node_vendor?: string;
  accounts: LedgerAccountData[];
  blocks: LedgerBlockData[];
}

export interface BlockRecord {
  hash: string;
  contents: StateBlock;
  subtype: 'send' | 'receive' | 'open' | 'change' | 'epoch';
  height: number;
  localTimestamp: number;
  /** Raw amount moved by this block (0 for change). */
  amount: bigint;
  successor: string;
  confirmed: boolean;
}

export interface AccountState {
  account: string;
  representative: string;
  balance: bigint;
  frontier: string;
  openBlock: string;
  blockCount: number;
  confirmationHeight: number;
  confirmationHeightFrontier: string;
  modifiedTimestamp: number;
}

export type ProcessResult = { ok: true; record: BlockRecord } | { ok: false; error: string };

/** One send an account has not received yet. */
export interface ReceivableEntry {
  hash: string;
  amount: bigint;
  /** The sending account. */
  source: string;
  /** The send block is confirmed (cemented) on its account. */
  confirmed: boolean;
}

/** Accounts in public-key order: the 60 address characters after the prefix sort as the key does. */
export function compareAccounts(a: string, b: string): number {
  const x = a.slice(a.length - 60);
  const y = b.slice(b.length - 60);
  return x < y ? -1 : x > y ? 1 : 0;
}

interface Receivable {
  source: string;
  amount: bigint;
}

function invalid(message: string): never {
  throw new ProtocolError(ProtocolErrorCode.ledgerInvalid, `ledger: ${message}`);
}

/**
 * An in-memory Nano ledger of state blocks: accounts, chains, receivables and
 * representative weights, kept consistent by `process`. Loaded from a ledger
 * file, whose every derived field (frontier, balance, representative, weight,
 * block count) is checked against its blocks, so a hand-edited fixture cannot
 * silently disagree with itself.
 */
export class Ledger {
  readonly network: string;
  readonly vendor: string;
  private readonly accounts = new Map<string, AccountState>();
  private readonly blocks = new Map<string, BlockRecord>();
  /** destination account → send hash → receivable. */
  private readonly receivables = new Map<string, Map<string, Receivable>>();
  /** Representative → its voting weight. */
  private readonly weights = new WeightTable();
  private readonly delegators = new Map<string, number>();
  private cemented = 0;
  /** accountsInOrder()'s answer, until an account is added. */
  private ordered: AccountState[] | null = null;
  private readonly now: () => number;

  constructor(data: LedgerData, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.now = now;
    if (typeof data !== 'object' || data === null || !Array.isArray(data.accounts) || !Array.isArray(data.blocks))
      invalid('expected {"accounts": [...], "blocks": [...]}');
    this.network = data.network ?? 'live';
    this.vendor = data.node_vendor ?? 'Nano V27.1';
    this.loadBlocks(data.blocks);
    this.loadAccounts(data.accounts);
  }

  private loadBlocks(blocks: LedgerBlockData[]): void {
    const byAccount = new Map<string, LedgerBlockData[]>();
    for (const [i, entry] of blocks.entries()) {
      const parsed = parseStateBlock(entry?.contents);
      if (!parsed.ok) invalid(`blocks[${i}]: ${parsed.error}`);
      if (!isHash(entry.hash) || entry.hash.toUpperCase() !== parsed.hash)
        invalid(`blocks[${i}]: hash ${String(entry.hash)} does not match its contents (${parsed.hash})`);
      if (this.blocks.has(parsed.hash)) invalid(`blocks[${i}]: duplicate block ${parsed.hash}`);
      const height = Number(entry.height);
      if (!Number.isSafeInteger(height) || height < 1) invalid(`blocks[${i}]: bad height`);
      this.blocks.set(parsed.hash, {
        hash: parsed.hash,
        contents: parsed.block,
        subtype: entry.subtype,
        height,
        localTimestamp: Number(entry.local_timestamp) || 0,
        amount: 0n,
        successor: ZERO_HASH,
        confirmed: false,
      });
      const list = byAccount.get(parsed.block.account) ?? [];
      list.push({ ...entry, hash: parsed.hash, contents: parsed.block });
      byAccount.set(parsed.block.account, list);
    }
    // Replay every chain in height order: balances, amounts, receivables.
    const sends: BlockRecord[] = [];
    const receives: BlockRecord[] = [];
    for (const [account, list] of byAccount) {
      list.sort((a, b) => Number(a.height) - Number(b.height));
      let previous = ZERO_HASH;
      let balance = 0n;
      for (const [index, entry] of list.entries()) {
        const record = this.blocks.get(entry.hash)!;
        if (record.height !== index + 1) invalid(`${account}: heights are not 1..n`);
        if (record.contents.previous !== previous)
          invalid(`${account}: block ${record.hash} does not follow ${previous}`);
        const next = BigInt(record.contents.balance);
        record.amount = next > balance ? next - balance : balance - next;
        const kind = next < balance ? 'send' : next > balance ? (index === 0 ? 'open' : 'receive') : 'change';
        const declared = record.subtype === 'epoch' ? 'change' : record.subtype;
        if (declared !== kind) invalid(`block ${record.hash}: subtype ${record.subtype}, but its balance says ${kind}`);
        if (kind === 'send') sends.push(record);
        if (kind === 'receive' || kind === 'open') receives.push(record);
        if (previous !== ZERO_HASH) this.blocks.get(previous)!.successor = record.hash;
        previous = record.hash;
        balance = next;
      }
    }
    for (const send of sends) {
      const destination = encodeAccount(Buffer.from(send.contents.link, 'hex'));
      this.addReceivable(destination, send.hash, send.amount);
    }
    for (const receive of receives) {
      const pending = this.receivables.get(receive.contents.account)?.get(receive.contents.link);
      // Receives from outside the file (a genesis or faucet block not included) are allowed.
      if (pending !== undefined) {
        if (pending.amount !== receive.amount)
          invalid(`block ${receive.hash} receives ${receive.amount} but its source sent ${pending.amount}`);
        this.receivables.get(receive.contents.account)!.delete(receive.contents.link);
      }
    }
  }

  private loadAccounts(accounts: LedgerAccountData[]): void {
    const chains = new Map<string, BlockRecord[]>();
    for (const record of this.blocks.values()) {
      const list = chains.get(record.contents.account) ?? [];
      list.push(record);
      chains.set(record.contents.account, list);
    }
    for (const [i, entry] of accounts.entries()) {
      const account = canonicalAccount(entry?.account);
      if (account === null) invalid(`accounts[${i}]: bad account number ${String(entry?.account)}`);
      const chain = chains.get(account);
      if (chain === undefined) invalid(`accounts[${i}]: ${account} has no blocks`);
      if (this.accounts.has(account)) invalid(`accounts[${i}]: duplicate account ${account}`);
      chain.sort((a, b) => a.height - b.height);
      const frontier = chain[chain.length - 1];
      const confirmationHeight = Number(entry.confirmation_height ?? chain.length);
      if (!Number.isSafeInteger(confirmationHeight) || confirmationHeight < 0 || confirmationHeight > chain.length)
        invalid(`accounts[${i}]: bad confirmation_height`);
      const state: AccountState = {
        account,
        representative: frontier.contents.representative,
        balance: BigInt(frontier.contents.balance),
        frontier: frontier.hash,
        openBlock: chain[0].hash,
        blockCount: chain.length,
        confirmationHeight,
        confirmationHeightFrontier: confirmationHeight > 0 ? chain[confirmationHeight - 1].hash : ZERO_HASH,
        modifiedTimestamp: Number(entry.modified_timestamp) || frontier.localTimestamp,
      };
      const mismatch = (field: string, declared: unknown, actual: unknown): never =>
        invalid(`accounts[${i}] ${account}: ${field} is ${String(declared)} but the blocks say ${String(actual)}`);
      if (entry.frontier !== undefined && entry.frontier.toUpperCase() !== state.frontier)
        mismatch('frontier', entry.frontier, state.frontier);
      if (entry.balance !== undefined && (!isRaw(entry.balance) || BigInt(entry.balance) !== state.balance))
        mismatch('balance', entry.balance, state.balance);
      if (entry.representative !== undefined && canonicalAccount(entry.representative) !== state.representative)
        mismatch('representative', entry.representative, state.representative);
      if (entry.block_count !== undefined && Number(entry.block_count) !== state.blockCount)
        mismatch('block_count', entry.block_count, state.blockCount);
      if (entry.open_block !== undefined && entry.open_block.toUpperCase() !== state.openBlock)
        mismatch('open_block', entry.open_block, state.openBlock);
      for (const block of chain) block.confirmed = block.height <= confirmationHeight;
      this.cemented += confirmationHeight;
      this.accounts.set(account, state);
      this.delegate(state.representative, state.balance, 1);
    }
    for (const account of chains.keys())
      if (!this.accounts.has(account)) invalid(`blocks of ${account} but no accounts entry`);
    for (const [i, entry] of accounts.entries()) {
      if (entry.weight === undefined) continue;
      const actual = this.weight(canonicalAccount(entry.account)!);
      if (!isRaw(entry.weight) || BigInt(entry.weight) !== actual)
        invalid(`accounts[${i}]: weight is ${entry.weight} but delegated balances sum to ${actual}`);
    }
  }

  private addReceivable(destination: string, hash: string, amount: bigint): void {
    let map = this.receivables.get(destination);
    if (map === undefined) this.receivables.set(destination, (map = new Map<string, Receivable>()));
    map.set(hash, { source: hash, amount });
  }

  private delegate(representative: string, amount: bigint, delegatorDelta: number): void {
    this.weights.add(representative, amount);
    this.delegators.set(representative, (this.delegators.get(representative) ?? 0) + delegatorDelta);
  }

  account(address: string): AccountState | undefined {
    const canonical = lookupKey(address);
    return canonical === null ? undefined : this.accounts.get(canonical);
  }

  /** Voting weight delegated to `address` (0 for any account nobody delegates to). */
  weight(address: string): bigint {
    const canonical = lookupKey(address);
    return canonical === null ? 0n : this.weightOfKey(canonical);
  }

  /** weight() of an address already in its lookupKey() form (the v2 request path computes it once). */
  weightOfKey(canonical: string): bigint {
    return this.weights.get(canonical)?.amount ?? 0n;
  }

  /** weight() as decimal text, as answers write it. */
  weightText(address: string): string {
    const canonical = lookupKey(address);
    return canonical === null ? '0' : this.weightTextOfKey(canonical);
  }

  /**
   * weightText() of an address already in its lookupKey() form; with `digest` (its
   * accountKeyDigest, which the v2 request path has at hand), read by the digest.
   */
  weightTextOfKey(canonical: string, digest?: number): string {
    const weight = digest === undefined ? this.weights.get(canonical) : this.weights.getByDigest(digest, canonical);
    return weight?.decimal ?? '0';
  }

  delegatorsCount(address: string): number {
    const canonical = lookupKey(address);
    return canonical === null ? 0 : (this.delegators.get(canonical) ?? 0);
  }

  /** Representatives (accounts with weight > 0 or delegators) → weight. */
  representatives(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const [rep, amount] of this.weights.amounts())
      if (amount > 0n || (this.delegators.get(rep) ?? 0) > 0) out.set(rep, amount);
    return out;
  }

  block(hash: string): BlockRecord | undefined {
    return typeof hash === 'string' ? this.blocks.get(hash.toUpperCase()) : undefined;
  }

  counts(): { count: number; cemented: number; accounts: number } {
    return { count: this.blocks.size, cemented: this.cemented, accounts: this.accounts.size };
  }

  /** Every account, in the node's order: by public key (the order of the address characters after the prefix). */
  accountsInOrder(): AccountState[] {
    if (this.ordered === null)
      this.ordered = [...this.accounts.values()].sort((a, b) => compareAccounts(a.account, b.account));
    return this.ordered;
  }

  /** The account's balance counting only its confirmed blocks (the node's confirmed balance). */
  confirmedBalance(state: AccountState): bigint {
    if (state.confirmationHeight === 0) return 0n;
    return BigInt(this.blocks.get(state.confirmationHeightFrontier)!.contents.balance);
  }

  /** The sends an account has not received yet, by send hash (the node's pending table order). */
  receivableEntries(address: string): ReceivableEntry[] {
    const canonical = lookupKey(address);
    const map = canonical === null ? undefined : this.receivables.get(canonical);
    if (map === undefined) return [];
    const entries: ReceivableEntry[] = [];
    for (const [hash, r] of map) {
      const send = this.blocks.get(hash)!;
      entries.push({ hash, amount: r.amount, source: send.contents.account, confirmed: send.confirmed });
    }
    return entries.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  }

  /** The total an account may receive; with `onlyConfirmed`, from confirmed sends only. */
  receivableTotal(address: string, onlyConfirmed: boolean): bigint {
    let total = 0n;
    for (const entry of this.receivableEntries(address)) if (!onlyConfirmed || entry.confirmed) total += entry.amount;
    return total;
  }

  /** True while the send `hash` waits to be received. */
  isReceivable(send: BlockRecord): boolean {
    return (
      send.subtype === 'send' &&
      (this.receivables.get(encodeAccount(Buffer.from(send.contents.link, 'hex')))?.has(send.hash) ?? false)
    );
  }

  /** The block that received the send, if its destination has received it. */
  receiveOf(send: BlockRecord): BlockRecord | undefined {
    const destination = this.accounts.get(encodeAccount(Buffer.from(send.contents.link, 'hex')));
    for (let hash = destination?.frontier ?? ZERO_HASH; hash !== ZERO_HASH;) {
      const block = this.blocks.get(hash)!;
      if ((block.subtype === 'receive' || block.subtype === 'open') && block.contents.link === send.hash) return block;
      hash = block.contents.previous;
    }
    return undefined;
  }

  /** Accounts with receivable sends but no block yet, by public key, with the total they may receive. */
  unopened(): Array<{ account: string; total: bigint }> {
    const out: Array<{ account: string; total: bigint }> = [];
    for (const [account, map] of this.receivables) {
      if (this.accounts.has(account) || map.size === 0) continue;
      let total = 0n;
      for (const r of map.values()) total += r.amount;
      out.push({ account, total });
    }
    return out.sort((a, b) => compareAccounts(a.account, b.account));
  }

  /**
   * Validates a state block against the ledger (chain position, balance delta
   * against receivables, signature) and, if it fits, adds and cements it, as
   * a node would once the election confirms it. Error texts are the node's.
   */
  process(block: StateBlock, hash: string, expectedSubtype?: string): ProcessResult {
    if (this.blocks.has(hash)) return { ok: false, error: 'Old block' };
    const publicKey = Buffer.from(accountPublicKeyHex(block.account)!, 'hex');
    if (!verify(publicKey, Buffer.from(hash, 'hex'), Buffer.from(block.signature, 'hex')))
      return { ok: false, error: 'Bad signature' };
    const state = this.accounts.get(block.account);
    const balance = BigInt(block.balance);
    let previousBalance = 0n;
    if (block.previous === ZERO_HASH) {
      if (state !== undefined) return { ok: false, error: 'Fork' };
    } else {
      const previous = this.blocks.get(block.previous);
      if (previous === undefined) return { ok: false, error: 'Gap previous block' };
      if (previous.contents.account !== block.account) return { ok: false, error: 'Block is invalid' };
      if (state === undefined || state.frontier !== block.previous) return { ok: false, error: 'Fork' };
      previousBalance = state.balance;
    }
    let subtype: BlockRecord['subtype'];
    let amount: bigint;
    if (balance < previousBalance) {
      subtype = 'send';
      amount = previousBalance - balance;
    } else if (balance > previousBalance || block.previous === ZERO_HASH) {
      subtype = block.previous === ZERO_HASH ? 'open' : 'receive';
      amount = balance - previousBalance;
      const pending = this.receivables.get(block.account)?.get(block.link);
      if (pending === undefined)
        return { ok: false, error: this.blocks.has(block.link) ? 'Unreceivable' : 'Gap source block' };
      if (pending.amount !== amount) return { ok: false, error: 'Balance and amount delta do not match' };
    } else {
      if (block.link !== ZERO_HASH) return { ok: false, error: 'Block is invalid' };
      subtype = 'change';
      amount = 0n;
    }
    if (
      expectedSubtype !== undefined &&
      expectedSubtype !== subtype &&
      !(expectedSubtype === 'receive' && subtype === 'open')
    ) {
      return { ok: false, error: 'Invalid block subtype' };
    }
    // Apply.
    const now = this.now();
    const height = (state?.blockCount ?? 0) + 1;
    const record: BlockRecord = {
      hash,
      contents: block,
      subtype,
      height,
      localTimestamp: now,
      amount,
      successor: ZERO_HASH,
      confirmed: true,
    };
    this.blocks.set(hash, record);
    if (block.previous !== ZERO_HASH) this.blocks.get(block.previous)!.successor = hash;
    // Cementing a block cements every block below it.
    for (let p = block.previous; p !== ZERO_HASH;) {
      const below = this.blocks.get(p)!;
      if (below.confirmed) break;
      below.confirmed = true;
      p = below.contents.previous;
    }
    if (subtype === 'send') this.addReceivable(encodeAccount(Buffer.from(block.link, 'hex')), hash, amount);
    if (subtype === 'receive' || subtype === 'open') this.receivables.get(block.account)!.delete(block.link);
    if (state !== undefined) this.delegate(state.representative, -state.balance, -1);
    const next: AccountState = {
      account: block.account,
      representative: block.representative,
      balance,
      frontier: hash,
      openBlock: state?.openBlock ?? hash,
      blockCount: height,
      confirmationHeight: height,
      confirmationHeightFrontier: hash,
      modifiedTimestamp: now,
    };
    this.cemented += height - (state?.confirmationHeight ?? 0);
    if (state === undefined) this.ordered = null;
    this.accounts.set(block.account, next);
    this.delegate(next.representative, balance, 1);
    return { ok: true, record };
  }
}
