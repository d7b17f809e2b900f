import { readFile } from 'node:fs/promises';
import type { Backend, BackendReply } from '../../backend';
import { BackendEvents } from '../../backend-events';
import { canonicalAccount, isValidAccount, lookupKey } from '../../crypto/nano-address';
import { ErrorCode, ErrorMessage, LegacyError, ProtocolError } from '../../errors';
import type { JsonObject } from '../../types';
import { type BlockRecord, Ledger, type LedgerData } from './ledger';
import { nodeFlagValue } from './node-flag';
import { isHash, parseStateBlock, toBlockStateJson } from './state-block';
import { Wallets } from './wallets';

export type EmbeddedBackendOptions = ({ ledgerPath: string } | { ledger: LedgerData }) & {
  /** Seconds since the epoch; injectable for tests. */
  now?: () => number;
};

function error(message: string): JsonObject {
  return { error: message };
}

type Handler = (request: JsonObject) => JsonObject;

/**
 * The default backend: an in-memory ledger and wallet that answer the node's
 * legacy actions with the node's field names and string-encoded numbers, and
 * IsAlive / AccountWeight for v2. `process` validates, adds and confirms a
 * block at once and publishes the confirmation.
 */
export class EmbeddedBackend implements Backend {
  readonly kind = 'embedded';
  private readonly ledger: Ledger;
  private readonly wallets = new Wallets();
  private readonly events = new BackendEvents();
  private readonly startedAt: number;
  private readonly now: () => number;
  private readonly handlers: Record<string, Handler>;

  constructor(data: LedgerData, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.now = now;
    this.ledger = new Ledger(data, now);
    this.startedAt = now();
    const blockInfo: Handler = (r) => this.blockInfo(r);
    this.handlers = {
      account_balance: (r) => this.accountBalance(r),
      account_block_count: (r) => this.withAccount(r, (s) => ({ block_count: String(s.blockCount) })),
      account_info: (r) => this.accountInfo(r),
      account_representative: (r) => this.withAccount(r, (s) => ({ representative: s.representative })),
      account_weight: (r) => (isValidAccount(r.account) ? { weight: this.ledger.weight(r.account as string).toString() } : error('Bad account number')),
      block_count: () => {
        const c = this.ledger.counts();
        return { count: String(c.count), unchecked: '0', cemented: String(c.cemented) };
      },
      block_info: blockInfo,
      block: blockInfo,
      blocks_info: (r) => this.blocksInfo(r),
      delegators_count: (r) => (isValidAccount(r.account) ? { count: String(this.ledger.delegatorsCount(r.account as string)) } : error('Bad account number')),
      representatives: (r) => this.representatives(r),
      uptime: () => ({ seconds: String(Math.max(0, this.now() - this.startedAt)) }),
      version: () => ({
        rpc_version: '1',
        store_version: '24',
        protocol_version: '21',
        node_vendor: this.ledger.vendor,
        store_vendor: 'nano-access embedded ledger',
        network: this.ledger.network,
        network_identifier: '991CF190094C00F0B68E2E5F75F6BEE95A2E0BD93CEAA4A6734DB9F19B728948',
        build_info: 'nano-access embedded backend',
      }),
      process: (r) => this.process(r),
      wallet_create: (r) => {
        const created = this.wallets.create(typeof r.seed === 'string' ? r.seed : undefined);
        return created.ok ? { wallet: created.value } : error(created.error);
      },
      wallet_add: (r) => {
        const added = this.wallets.addKey(r.wallet, r.key);
        return added.ok ? { account: added.value } : error(added.error);
      },
      account_create: (r) => {
        let index: number | undefined;
        if (r.index !== undefined) {
          index = Number(r.index);
          if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) return error('Invalid index');
        }
        const created = this.wallets.createAccount(r.wallet, index);
        return created.ok ? { account: created.value } : error(created.error);
      },
      account_list: (r) => {
        const list = this.wallets.accounts(r.wallet);
        return list.ok ? { accounts: list.value } : error(list.error);
      },
      wallet_contains: (r) => {
        const found = this.wallets.contains(r.wallet, r.account);
        return found.ok ? { exists: found.value ? '1' : '0' } : error(found.error);
      },
      wallet_balances: (r) => this.walletBalances(r),
      stop: () => {
        this.requestStop('stop action');
        return { success: '' };
      },
    };
  }

  /** Builds a backend from a ledger object or a ledger file; throws ProtocolError NA_PROTOCOL_LEDGER_INVALID on a bad file. */
  static async create(options: EmbeddedBackendOptions): Promise<EmbeddedBackend> {
    if ('ledger' in options) return new EmbeddedBackend(options.ledger, options.now);
    let data: LedgerData;
    try {
      data = JSON.parse(await readFile(options.ledgerPath, 'utf8')) as LedgerData;
    } catch (cause) {
      throw new ProtocolError('NA_PROTOCOL_LEDGER_INVALID', `ledger: cannot read ${options.ledgerPath}: ${(cause as Error).message}`, { cause });
    }
    return new EmbeddedBackend(data, options.now);
  }

  async message(messageType: string, message: JsonObject): Promise<BackendReply> {
    switch (messageType) {
      case 'IsAlive':
        return { ok: true, messageType: 'IsAlive', message: {} };
      case 'AccountWeight': {
        // The dispatcher has validated the checksum already (error 7); the shape check keeps direct callers safe.
        const key = lookupKey(message.account);
        if (key === null) return { ok: false, code: ErrorCode.badAccountNumber, message: ErrorMessage.badAccountNumber };
        return { ok: true, messageType: 'AccountWeightResponse', message: { voting_weight: this.ledger.weightOfKey(key).toString() } };
      }
      default:
        return { ok: false, code: ErrorCode.generic, message: ErrorMessage.unknownMessageType };
    }
  }

  async legacy(request: JsonObject & { action: string }): Promise<JsonObject> {
    const handler = Object.prototype.hasOwnProperty.call(this.handlers, request.action) ? this.handlers[request.action] : undefined;
    return handler === undefined ? error(LegacyError.unknownCommand) : handler(request);
  }

  subscribe(listener: Parameters<Backend['subscribe']>[0]): () => void {
    return this.events.subscribe(listener);
  }

  isLocalAccount(account: string): boolean {
    const canonical = canonicalAccount(account);
    return canonical !== null && this.wallets.holds(canonical);
  }

  requestStop(reason: string): void {
    this.events.emit({ type: 'stop', reason });
  }

  async close(): Promise<void> {
    this.events.clear();
  }

  // --- actions ---------------------------------------------------------------------

  private withAccount(request: JsonObject, answer: (state: NonNullable<ReturnType<Ledger['account']>>) => JsonObject): JsonObject {
    if (!isValidAccount(request.account)) return error('Bad account number');
    const state = this.ledger.account(request.account as string);
    return state === undefined ? error('Account not found') : answer(state);
  }

  private accountBalance(request: JsonObject): JsonObject {
    if (!isValidAccount(request.account)) return error('Bad account number');
    const state = this.ledger.account(request.account as string);
    const receivable = this.ledger.receivable(request.account as string).total.toString();
    return { balance: (state?.balance ?? 0n).toString(), pending: receivable, receivable };
  }

  private accountInfo(request: JsonObject): JsonObject {
    return this.withAccount(request, (s) => {
      const out: JsonObject = {
        frontier: s.frontier,
        open_block: s.openBlock,
        representative_block: s.representativeBlock,
        balance: s.balance.toString(),
        modified_timestamp: String(s.modifiedTimestamp),
        block_count: String(s.blockCount),
        account_version: '2',
        confirmation_height: String(s.confirmationHeight),
        confirmation_height_frontier: s.confirmationHeightFrontier,
      };
      if (nodeFlagValue(request.representative)) out.representative = s.representative;
      if (nodeFlagValue(request.weight)) out.weight = this.ledger.weight(s.account).toString();
      if (nodeFlagValue(request.receivable) || nodeFlagValue(request.pending)) {
        const total = this.ledger.receivable(s.account).total.toString();
        out.pending = total;
        out.receivable = total;
      }
      return out;
    });
  }

  private blockJson(record: BlockRecord, jsonBlock: boolean): JsonObject {
    const contents = { ...record.contents };
    return {
      block_account: record.contents.account,
      amount: record.amount.toString(),
      balance: record.contents.balance,
      height: String(record.height),
      local_timestamp: String(record.localTimestamp),
      successor: record.successor,
      confirmed: record.confirmed ? 'true' : 'false',
      contents: jsonBlock ? contents : JSON.stringify(contents, null, 4) + '\n',
      subtype: record.subtype === 'open' ? 'receive' : record.subtype,
    };
  }

  private blockInfo(request: JsonObject): JsonObject {
    if (!isHash(request.hash)) return error('Bad hash number');
    const record = this.ledger.block(request.hash);
    return record === undefined ? error('Block not found') : this.blockJson(record, nodeFlagValue(request.json_block));
  }

  private blocksInfo(request: JsonObject): JsonObject {
    if (!Array.isArray(request.hashes)) return error('Unable to parse JSON');
    const blocks: JsonObject = {};
    const notFound: string[] = [];
    for (const hash of request.hashes) {
      if (!isHash(hash)) return error('Bad hash number');
      const record = this.ledger.block(hash);
      if (record === undefined) {
        if (!nodeFlagValue(request.include_not_found)) return error('Block not found');
        notFound.push(hash);
      } else blocks[hash] = this.blockJson(record, nodeFlagValue(request.json_block));
    }
    return nodeFlagValue(request.include_not_found) ? { blocks, blocks_not_found: notFound } : { blocks };
  }

  private representatives(request: JsonObject): JsonObject {
    let entries = [...this.ledger.representatives()];
    if (nodeFlagValue(request.sorting)) entries.sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0));
    else entries.sort((a, b) => a[0].localeCompare(b[0]));
    if (request.count !== undefined) {
      const count = Number(request.count);
      if (!Number.isInteger(count) || count < 0) return error('Invalid count limit');
      entries = entries.slice(0, count);
    }
    return { representatives: Object.fromEntries(entries.map(([rep, weight]) => [rep, weight.toString()])) };
  }

  private walletBalances(request: JsonObject): JsonObject {
    const list = this.wallets.accounts(request.wallet);
    if (!list.ok) return error(list.error);
    const threshold = typeof request.threshold === 'string' && /^[0-9]+$/.test(request.threshold) ? BigInt(request.threshold) : 0n;
    const balances: JsonObject = {};
    for (const account of list.value) {
      const balance = this.ledger.account(account)?.balance ?? 0n;
      if (balance < threshold) continue;
      const receivable = this.ledger.receivable(account).total.toString();
      balances[account] = { balance: balance.toString(), pending: receivable, receivable };
    }
    return { balances };
  }

  private process(request: JsonObject): JsonObject {
    const parsed = parseStateBlock(request.block);
    if (!parsed.ok) return error(parsed.error);
    const subtype = typeof request.subtype === 'string' ? request.subtype : undefined;
    const result = this.ledger.process(parsed.block, parsed.hash, subtype);
    if (!result.ok) return error(result.error);
    const record = result.record;
    const block = toBlockStateJson(record.contents, record.hash, record.subtype === 'open' ? 'receive' : record.subtype);
    this.events.emit({
      type: 'confirmation',
      confirmation: { account: record.contents.account, amount: record.amount.toString(), hash: record.hash, confirmationType: 'active_quorum', block },
    });
    return { hash: record.hash };
  }
}

/** The default backend, from a ledger file or object. */
export function createEmbeddedBackend(options: EmbeddedBackendOptions): Promise<Backend> {
  return EmbeddedBackend.create(options);
}
