import { decodeAccount, encodeAccount } from '../../crypto/nano-address';
import type { JsonObject } from '../../types';
import { type AccountState, type BlockRecord, compareAccounts, type Ledger, type ReceivableEntry } from './ledger';
import { NodeCall, NodeError, NodeRequestError, decodeHex256, decodeUnsigned } from './node-request';
import { ZERO_HASH } from './state-block';

/** One embedded action: reads its request from the call and writes the node's answer into `call.out`. */
export type NodeAction = (call: NodeCall) => void;

/** The zero account (the burn address), which the node writes for "no account". */
export const ZERO_ACCOUNT = encodeAccount(new Uint8Array(32));
/** The live network's genesis account and the two accounts available_supply also leaves out (the node's constants). */
const GENESIS_ACCOUNT = 'nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3';
const LANDING_ACCOUNT = encodeAccount(
  Buffer.from('059F68AAB29DE0D3A27443625C7EA9CDDB6517A8B76FE37727EF6A4D76832AD5', 'hex'),
);
const FAUCET_ACCOUNT = encodeAccount(
  Buffer.from('8E319CE6F3025E5B2DF66DA7AB1467FE48F1679C13DD43BFDB29FA2E9FC40D3B', 'hex'),
);
const MAX_SUPPLY = (1n << 128n) - 1n;
/** The embedded ledger's accounts are all at epoch 2, as live accounts are. */
const ACCOUNT_VERSION = '2';
/** The epoch links of the live network and their signers (account_history's raw epoch entries). */
const EPOCH_SIGNERS: Readonly<Record<string, string>> = {
  '65706F636820763120626C6F636B000000000000000000000000000000000000': GENESIS_ACCOUNT,
  '65706F636820763220626C6F636B000000000000000000000000000000000000':
    'nano_3qb6o6i1tkzr6jwr5s7eehfxwg9x6eemitdinbpi7u8bjjwsgqfj4wzser3x',
};

/**
 * The node writes an empty list or map as "" (boost::property_tree has no empty container), and
 * clients written for the node expect exactly that: `{"blocks": ""}` when nothing is receivable.
 */
function listOrEmpty(items: unknown[]): unknown {
  return items.length === 0 ? '' : items;
}

function mapOrEmpty(entries: JsonObject): unknown {
  return Object.keys(entries).length === 0 ? '' : entries;
}

/** A block's JSON as the node serialises it: an object with json_block, else that object as pretty JSON text. */
export function blockContents(record: BlockRecord, jsonBlock: boolean): unknown {
  const contents = { ...record.contents };
  return jsonBlock ? contents : JSON.stringify(contents, null, 4) + '\n';
}

/** The subtype the node reports for a state block (an open is a receive). */
function subtypeOf(record: BlockRecord): string {
  return record.subtype === 'open' ? 'receive' : record.subtype;
}

/** The account_query group over the embedded ledger, answered with the node's fields, options and error texts. */
export function ledgerActions(ledger: Ledger): Record<string, NodeAction> {
  const stateOf = (account: string): AccountState => {
    const state = ledger.account(account);
    if (state === undefined) throw new NodeRequestError(NodeError.accountNotFound);
    return state;
  };
  const balanceAndReceivable = (account: string, onlyConfirmed: boolean): JsonObject => {
    const state = ledger.account(account);
    const balance = state === undefined ? 0n : onlyConfirmed ? ledger.confirmedBalance(state) : state.balance;
    const receivable = ledger.receivableTotal(account, onlyConfirmed).toString();
    return { balance: balance.toString(), pending: receivable, receivable };
  };
  const blockOf = (hash: string): BlockRecord => {
    const record = ledger.block(hash);
    if (record === undefined) throw new NodeRequestError(NodeError.blockNotFound);
    return record;
  };

  const receivable: NodeAction = (call) => receivableAction(call, ledger);
  const receivableExists: NodeAction = (call) => {
    const hash = call.hash();
    const includeActive = call.flag('include_active');
    const onlyConfirmed = call.flag('include_only_confirmed', true);
    const record = blockOf(hash);
    const exists = ledger.isReceivable(record) && confirmedEnough(record.confirmed, includeActive, onlyConfirmed);
    call.out.exists = exists ? '1' : '0';
  };
  const accountsReceivable: NodeAction = (call) => accountsReceivableAction(call, ledger);
  const blockInfo: NodeAction = (call) => {
    const record = blockOf(call.hash());
    Object.assign(call.out, blockInfoFields(record), {
      contents: blockContents(record, call.flag('json_block')),
      subtype: subtypeOf(record),
    });
  };
  const history: NodeAction = (call) => accountHistory(call, ledger);
  const accountCount: NodeAction = (call) => {
    call.out.count = String(ledger.counts().accounts);
  };
  const chain =
    (successors: boolean): NodeAction =>
    (call) => {
      const forward = successors !== call.flag('reverse');
      let hash = call.hash('block');
      const count = call.count();
      let offset = call.offset();
      const blocks: string[] = [];
      while (hash !== ZERO_HASH && blocks.length < count) {
        const record = ledger.block(hash);
        if (record === undefined) break;
        if (offset > 0) offset--;
        else blocks.push(hash);
        hash = forward ? record.successor : record.contents.previous;
      }
      call.out.blocks = listOrEmpty(blocks);
    };

  return {
    account_balance(call) {
      const account = call.account();
      Object.assign(call.out, balanceAndReceivable(account, call.flag('include_only_confirmed', true)));
    },
    account_block_count(call) {
      call.out.block_count = String(stateOf(call.account()).blockCount);
    },
    account_count: accountCount,
    frontier_count: accountCount,
    account_history: history,
    history(call) {
      call.out.deprecated = '1';
      // account_history's reader over a copy that names `hash` as `head`, answering into the same `out`.
      history(new NodeCall({ ...call.request, head: call.text('hash') }, call.out));
    },
    account_info(call) {
      accountInfo(call, ledger, stateOf(call.account()));
    },
    account_representative(call) {
      call.out.representative = stateOf(call.account()).representative;
    },
    account_weight(call) {
      const { account, digest } = call.accountKey();
      call.out.weight = ledger.weightTextOfKey(account, digest);
    },
    accounts_balances(call) {
      const onlyConfirmed = call.flag('include_only_confirmed', true);
      perAccount(call, 'balances', (account) => balanceAndReceivable(account, onlyConfirmed));
    },
    accounts_frontiers(call) {
      const frontiers: JsonObject = {};
      const errors: JsonObject = {};
      for (const text of call.list('accounts')) {
        try {
          const account = call.account(text);
          frontiers[account] = stateOf(account).frontier;
        } catch (error) {
          if (!(error instanceof NodeRequestError)) throw error;
          errors[text] = error.message;
        }
      }
      if (Object.keys(frontiers).length > 0) call.out.frontiers = frontiers;
      if (Object.keys(errors).length > 0) call.out.errors = errors;
    },
    accounts_representatives(call) {
      perAccount(call, 'representatives', (account) => stateOf(account).representative);
    },
    accounts_receivable: accountsReceivable,
    accounts_pending(call) {
      call.out.deprecated = '1';
      accountsReceivable(call);
    },
    available_supply(call) {
      const balance = (account: string): bigint => ledger.account(account)?.balance ?? 0n;
      const burned = ledger.receivableTotal(ZERO_ACCOUNT, false);
      const available =
        MAX_SUPPLY - balance(GENESIS_ACCOUNT) - balance(LANDING_ACCOUNT) - balance(FAUCET_ACCOUNT) - burned;
      call.out.available = available.toString();
    },
    block: blockInfo,
    block_info: blockInfo,
    block_account(call) {
      call.out.account = blockOf(call.hash()).contents.account;
    },
    block_count(call) {
      const counts = ledger.counts();
      Object.assign(call.out, { count: String(counts.count), unchecked: '0', cemented: String(counts.cemented) });
    },
    blocks(call) {
      const jsonBlock = call.flag('json_block');
      const blocks: JsonObject = {};
      for (const text of call.list('hashes')) {
        const hash = decodeHex256(text);
        if (hash === null) throw new NodeRequestError(NodeError.badHashNumber);
        blocks[text] = blockContents(blockOf(hash), jsonBlock);
      }
      call.out.blocks = mapOrEmpty(blocks);
    },
    blocks_info(call) {
      blocksInfo(call, ledger);
    },
    chain: chain(false),
    successors: chain(true),
    delegators(call) {
      const representative = call.account();
      const count = call.optionalCount(1024);
      const threshold = call.threshold();
      const startText = call.optionalText('start');
      const start = startText === undefined ? undefined : call.account(startText);
      const delegators: JsonObject = {};
      let found = 0;
      for (const state of ledger.accountsInOrder()) {
        if (found >= count) break;
        if (start !== undefined && compareAccounts(state.account, start) <= 0) continue;
        if (state.representative !== representative || state.balance < threshold) continue;
        delegators[state.account] = state.balance.toString();
        found++;
      }
      call.out.delegators = mapOrEmpty(delegators);
    },
    delegators_count(call) {
      call.out.count = String(ledger.delegatorsCount(call.account()));
    },
    frontiers(call) {
      const start = call.account();
      const count = call.count();
      const frontiers: JsonObject = {};
      let found = 0;
      for (const state of ledger.accountsInOrder()) {
        if (found >= count) break;
        if (compareAccounts(state.account, start) < 0) continue;
        frontiers[state.account] = state.frontier;
        found++;
      }
      call.out.frontiers = mapOrEmpty(frontiers);
    },
    ledger(call) {
      ledgerAction(call, ledger);
    },
    pending(call) {
      call.out.deprecated = '1';
      receivable(call);
    },
    receivable,
    pending_exists(call) {
      call.out.deprecated = '1';
      receivableExists(call);
    },
    receivable_exists: receivableExists,
    pruned_exists(call) {
      call.hash();
      // The embedded ledger never prunes, as a node without pruning enabled.
      throw new NodeRequestError(NodeError.pruningDisabled);
    },
    representatives(call) {
      const count = call.optionalCount();
      const sorting = call.flag('sorting');
      const entries = [...ledger.representatives()];
      if (sorting) entries.sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : compareAccounts(b[0], a[0])));
      else entries.sort((a, b) => compareAccounts(a[0], b[0]));
      call.out.representatives = mapOrEmpty(
        Object.fromEntries(entries.slice(0, count).map(([rep, weight]) => [rep, weight.toString()])),
      );
    },
    unopened(call) {
      const count = call.optionalCount();
      const threshold = call.threshold();
      const startText = call.optionalText('account');
      // Without a start the burn account (key 0) is left out, as the node does.
      const start = startText === undefined ? undefined : call.account(startText);
      const accounts: JsonObject = {};
      let found = 0;
      for (const { account, total } of ledger.unopened()) {
        if (found >= count) break;
        if (start === undefined ? account === ZERO_ACCOUNT : compareAccounts(account, start) < 0) continue;
        if (total < threshold) continue;
        accounts[account] = total.toString();
        found++;
      }
      call.out.accounts = mapOrEmpty(accounts);
    },
  };
}

/** The node's block_confirmed(): confirmed, or anything when unconfirmed blocks are asked for (no election is ever active here). */
function confirmedEnough(confirmed: boolean, includeActive: boolean, onlyConfirmed: boolean): boolean {
  return confirmed || !onlyConfirmed || (includeActive && !onlyConfirmed);
}

/** accounts_balances and accounts_representatives: one entry per account as given, failures under `errors`. */
function perAccount(call: NodeCall, field: string, answer: (account: string) => unknown): void {
  const entries: JsonObject = {};
  const errors: JsonObject = {};
  for (const text of call.list('accounts')) {
    try {
      entries[text] = answer(call.account(text));
    } catch (error) {
      if (!(error instanceof NodeRequestError)) throw error;
      errors[text] = error.message;
    }
  }
  if (Object.keys(entries).length > 0) call.out[field] = entries;
  if (Object.keys(errors).length > 0) call.out.errors = errors;
}

function accountInfo(call: NodeCall, ledger: Ledger, state: AccountState): void {
  const representative = call.flag('representative');
  const weight = call.flag('weight');
  const receivable = call.flag('receivable', call.flag('pending'));
  const includeConfirmed = call.flag('include_confirmed');
  const out = call.out;
  out.frontier = state.frontier;
  out.open_block = state.openBlock;
  // Every state block names the representative, so the block that sets it is the head itself.
  out.representative_block = state.frontier;
  out.balance = state.balance.toString();
  if (includeConfirmed)
    out.confirmed_balance = (
      state.blockCount === state.confirmationHeight ? state.balance : ledger.confirmedBalance(state)
    ).toString();
  out.modified_timestamp = String(state.modifiedTimestamp);
  out.block_count = String(state.blockCount);
  out.account_version = ACCOUNT_VERSION;
  if (includeConfirmed) {
    out.confirmed_height = String(state.confirmationHeight);
    out.confirmed_frontier = state.confirmationHeightFrontier;
  } else {
    out.confirmation_height = String(state.confirmationHeight);
    out.confirmation_height_frontier = state.confirmationHeightFrontier;
  }
  if (representative) {
    out.representative = state.representative;
    if (includeConfirmed) {
      const confirmed = state.confirmationHeight > 0 ? ledger.block(state.confirmationHeightFrontier) : undefined;
      out.confirmed_representative = confirmed?.contents.representative ?? ZERO_ACCOUNT;
    }
  }
  if (weight) out.weight = ledger.weightText(state.account);
  if (receivable) {
    const total = ledger.receivableTotal(state.account, false).toString();
    out.pending = total;
    out.receivable = total;
    if (includeConfirmed) {
      const confirmed = ledger.receivableTotal(state.account, true).toString();
      out.confirmed_pending = confirmed;
      out.confirmed_receivable = confirmed;
    }
  }
}

function accountHistory(call: NodeCall, ledger: Ledger): void {
  let filter: Set<string> | undefined;
  if (call.has('account_filter')) filter = new Set(call.list('account_filter').map((text) => call.account(text)));
  if (filter !== undefined && filter.size === 0) filter = undefined;
  const reverse = call.flag('reverse');
  const headText = call.optionalText('head');
  let count = call.count();
  let offset = call.offset();
  let account: string;
  let hash: string;
  if (headText !== undefined) {
    const head = decodeHex256(headText);
    if (head === null) throw new NodeRequestError(NodeError.badHashNumber);
    const record = ledger.block(head);
    if (record === undefined) throw new NodeRequestError(NodeError.blockNotFound);
    account = record.contents.account;
    hash = head;
  } else {
    account = call.account();
    const state = ledger.account(account);
    if (reverse) {
      if (state === undefined) throw new NodeRequestError(NodeError.accountNotFound);
      hash = state.openBlock;
    } else {
      hash = state?.frontier ?? ZERO_HASH;
    }
  }
  const raw = call.flag('raw');
  call.out.account = account;
  const history: JsonObject[] = [];
  let record = hash === ZERO_HASH ? undefined : ledger.block(hash);
  while (record !== undefined && count > 0) {
    if (offset > 0) offset--;
    else {
      const entry = historyEntry(ledger, record, raw, filter);
      if (Object.keys(entry).length > 0) {
        entry.local_timestamp = String(record.localTimestamp);
        entry.height = String(record.height);
        entry.hash = record.hash;
        entry.confirmed = record.confirmed ? 'true' : 'false';
        if (raw) {
          entry.work = record.contents.work;
          entry.signature = record.contents.signature;
        }
        history.push(entry);
        count--;
      }
    }
    hash = reverse ? record.successor : record.contents.previous;
    record = hash === ZERO_HASH ? undefined : ledger.block(hash);
  }
  call.out.history = listOrEmpty(history);
  if (hash !== ZERO_HASH) call.out[reverse ? 'next' : 'previous'] = hash;
}

/** One account_history entry, as the node's history visitor writes a state block; {} when the block is left out. */
function historyEntry(ledger: Ledger, record: BlockRecord, raw: boolean, filter: Set<string> | undefined): JsonObject {
  const block = record.contents;
  const entry: JsonObject = {};
  if (raw) {
    entry.type = 'state';
    entry.representative = block.representative;
    entry.link = block.link;
    entry.balance = block.balance;
    entry.previous = block.previous;
  }
  const balance = BigInt(block.balance);
  const previous = block.previous === ZERO_HASH ? 0n : BigInt(ledger.block(block.previous)!.contents.balance);
  if (balance < previous) {
    if (filter !== undefined && !filter.has(block.link_as_account)) return {};
    entry[raw ? 'subtype' : 'type'] = 'send';
    entry.account = block.link_as_account;
    entry.amount = (previous - balance).toString();
  } else if (block.link === ZERO_HASH) {
    if (raw && filter === undefined) entry.subtype = 'change';
  } else if (balance === previous && EPOCH_SIGNERS[block.link] !== undefined) {
    if (raw && filter === undefined) {
      entry.subtype = 'epoch';
      entry.account = EPOCH_SIGNERS[block.link];
    }
  } else {
    const source = ledger.block(block.link)?.contents.account;
    if (filter !== undefined && source !== undefined && !filter.has(source)) return {};
    entry[raw ? 'subtype' : 'type'] = 'receive';
    if (source !== undefined) entry.account = source;
    entry.amount = (balance - previous).toString();
  }
  return entry;
}

/** The fields block_info and blocks_info share, in the node's order (contents and subtype follow). */
function blockInfoFields(record: BlockRecord): JsonObject {
  return {
    block_account: record.contents.account,
    amount: record.amount.toString(),
    balance: record.contents.balance,
    height: String(record.height),
    local_timestamp: String(record.localTimestamp),
    successor: record.successor,
    confirmed: record.confirmed ? 'true' : 'false',
  };
}

function blocksInfo(call: NodeCall, ledger: Ledger): void {
  const receivable = call.flag('receivable', call.flag('pending'));
  const receiveHash = call.flag('receive_hash');
  const source = call.flag('source');
  const jsonBlock = call.flag('json_block');
  const includeNotFound = call.flag('include_not_found');
  const blocks: JsonObject = {};
  const notFound: string[] = [];
  for (const text of call.list('hashes')) {
    const hash = decodeHex256(text);
    if (hash === null) throw new NodeRequestError(NodeError.badHashNumber);
    const record = ledger.block(hash);
    if (record === undefined) {
      if (!includeNotFound) throw new NodeRequestError(NodeError.blockNotFound);
      notFound.push(text);
      continue;
    }
    const entry: JsonObject = {
      ...blockInfoFields(record),
      contents: blockContents(record, jsonBlock),
      subtype: subtypeOf(record),
    };
    if (receivable || receiveHash) {
      const waiting = record.subtype === 'send' && ledger.isReceivable(record);
      if (receivable) {
        entry.pending = waiting ? '1' : '0';
        entry.receivable = waiting ? '1' : '0';
      }
      if (receiveHash)
        entry.receive_hash =
          record.subtype === 'send' && !waiting ? (ledger.receiveOf(record)?.hash ?? ZERO_HASH) : ZERO_HASH;
    }
    if (source) {
      const isReceive = record.subtype === 'receive' || record.subtype === 'open';
      const sourceBlock = isReceive ? ledger.block(record.contents.link) : undefined;
      entry.source_account = sourceBlock?.contents.account ?? '0';
    }
    blocks[text] = entry;
  }
  call.out.blocks = mapOrEmpty(blocks);
  if (includeNotFound) call.out.blocks_not_found = listOrEmpty(notFound);
}

interface ReceivableOptions {
  count: number;
  threshold: bigint;
  source: boolean;
  includeActive: boolean;
  onlyConfirmed: boolean;
  sorting: boolean;
}

function receivableOptions(call: NodeCall): ReceivableOptions {
  return {
    count: call.optionalCount(),
    threshold: call.threshold(),
    source: call.flag('source'),
    includeActive: call.flag('include_active'),
    onlyConfirmed: call.flag('include_only_confirmed', true),
    sorting: call.flag('sorting'),
  };
}

function receivableAction(call: NodeCall, ledger: Ledger): void {
  const account = call.account();
  const count = call.optionalCount();
  const offset = call.offset();
  const threshold = call.threshold();
  const source = call.flag('source');
  const minVersion = call.flag('min_version');
  const includeActive = call.flag('include_active');
  const onlyConfirmed = call.flag('include_only_confirmed', true);
  const sorting = call.flag('sorting');
  // Simple: a list of hashes. Otherwise a map of hash to amount, or to {amount, source, min_version}.
  const simple = threshold === 0n && !source && !minVersion && !sorting;
  const entries = ledger
    .receivableEntries(account)
    .filter((e) => confirmedEnough(e.confirmed, includeActive, onlyConfirmed));
  const value = (e: ReceivableEntry): unknown => {
    if (!source && !minVersion) return e.amount.toString();
    const detail: JsonObject = { amount: e.amount.toString() };
    if (source) detail.source = e.source;
    if (minVersion) detail.min_version = ACCOUNT_VERSION;
    return detail;
  };
  if (simple) {
    call.out.blocks = listOrEmpty(entries.slice(offset, offset + count).map((e) => e.hash));
    return;
  }
  const blocks: JsonObject = {};
  if (sorting) {
    // Sorted: every entry over the threshold by amount (stable), then the offset and count.
    const kept = entries
      .filter((e) => e.amount >= threshold)
      .sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0));
    for (const e of kept.slice(offset, offset + count)) blocks[e.hash] = value(e);
  } else {
    // Unsorted, as the node walks its table: the offset skips entries before the threshold applies.
    let added = 0;
    for (const e of entries.slice(offset)) {
      if (added >= count) break;
      if (e.amount < threshold) continue;
      blocks[e.hash] = value(e);
      added++;
    }
  }
  call.out.blocks = mapOrEmpty(blocks);
}

function accountsReceivableAction(call: NodeCall, ledger: Ledger): void {
  const options = receivableOptions(call);
  const simple = options.threshold === 0n && !options.source && !options.sorting;
  const result: JsonObject = {};
  for (const text of call.list('accounts')) {
    const account = call.account(text);
    const entries = ledger
      .receivableEntries(account)
      .filter((e) => confirmedEnough(e.confirmed, options.includeActive, options.onlyConfirmed));
    if (simple) {
      const hashes = entries.slice(0, options.count).map((e) => e.hash);
      if (hashes.length > 0) result[account] = hashes;
      continue;
    }
    let kept: ReceivableEntry[] = [];
    for (const e of entries) {
      if (kept.length >= options.count) break;
      if (e.amount >= options.threshold) kept.push(e);
    }
    if (options.sorting) kept = [...kept].sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0));
    if (kept.length === 0) continue;
    const blocks: JsonObject = {};
    for (const e of kept)
      blocks[e.hash] = options.source ? { amount: e.amount.toString(), source: e.source } : e.amount.toString();
    result[account] = blocks;
  }
  call.out.blocks = mapOrEmpty(result);
}

function ledgerAction(call: NodeCall, ledger: Ledger): void {
  const count = call.optionalCount();
  const threshold = call.threshold();
  const startText = call.optionalText('account');
  const start = startText === undefined ? undefined : call.account(startText);
  let modifiedSince = 0;
  const modifiedText = call.optionalText('modified_since');
  if (modifiedText !== undefined) {
    const decoded = decodeUnsigned(modifiedText);
    if (decoded === null) throw new NodeRequestError(NodeError.invalidTimestamp);
    modifiedSince = decoded;
  }
  const sorting = call.flag('sorting');
  const representative = call.flag('representative');
  const weight = call.flag('weight');
  const receivable = call.flag('receivable', call.flag('pending'));
  let states = ledger
    .accountsInOrder()
    .filter(
      (s) => (start === undefined || compareAccounts(s.account, start) >= 0) && s.modifiedTimestamp >= modifiedSince,
    );
  // Sorted: by balance, largest first (equal balances by account, descending, as the node's reversed sort).
  if (sorting)
    states = [...states].sort((a, b) =>
      b.balance > a.balance ? 1 : b.balance < a.balance ? -1 : compareAccounts(b.account, a.account),
    );
  const accounts: JsonObject = {};
  let found = 0;
  for (const state of states) {
    if (found >= count) break;
    if (!receivable && state.balance < threshold) continue;
    const entry: JsonObject = {};
    if (receivable) {
      const total = ledger.receivableTotal(state.account, false);
      if (state.balance + total < threshold) continue;
      entry.pending = total.toString();
      entry.receivable = total.toString();
    }
    entry.frontier = state.frontier;
    entry.open_block = state.openBlock;
    entry.representative_block = state.frontier;
    entry.balance = state.balance.toString();
    entry.modified_timestamp = String(state.modifiedTimestamp);
    entry.block_count = String(state.blockCount);
    if (representative) entry.representative = state.representative;
    if (weight) entry.weight = ledger.weightText(state.account);
    accounts[state.account] = entry;
    found++;
  }
  call.out.accounts = mapOrEmpty(accounts);
}

/** The public key of an address, as 64 upper-case hex digits (account_key). */
export function publicKeyHex(account: string): string {
  return Buffer.from(decodeAccount(account)!).toString('hex').toUpperCase();
}
