import { readFile } from 'node:fs/promises';
import type { Backend, BackendReply } from '../../backend';
import { BackendEvents } from '../../backend-events';
import { canonicalAccount, lookupKey } from '../../crypto/nano-address';
import {
  ErrorCode,
  ErrorMessage,
  LegacyError,
  NOT_IMPLEMENTED_CODE,
  ProtocolError,
  ProtocolErrorCode,
} from '../../errors';
import type { JsonObject } from '../../types';
import { Ledger, type LedgerData } from './ledger';
import { ledgerActions, type NodeAction } from './ledger-actions';
import { NodeCall, NodeError, NodeRequestError } from './node-request';
import { parseStateBlock, toBlockStateJson } from './state-block';
import { utilityActions } from './utility-actions';
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
  // Maps, not objects: an action name read from a request is a string V8 has not internalized,
  // and a keyed lookup on an object first looks it up in the string table (hasOwnProperty cost
  // ~670 instructions a request); a Map reuses the hash the policy's own lookup already computed.
  /** Actions answered through NodeCall: the account_query and utility groups. */
  private readonly nodeActions: ReadonlyMap<string, NodeAction>;
  /** Node, wallet and block-publishing actions. */
  private readonly handlers: ReadonlyMap<string, Handler>;

  constructor(data: LedgerData, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.now = now;
    this.ledger = new Ledger(data, now);
    this.startedAt = now();
    this.nodeActions = new Map(
      Object.entries({ ...ledgerActions(this.ledger), ...utilityActions(this.ledger.network) }),
    );
    const handlers: Record<string, Handler> = {
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
    this.handlers = new Map(Object.entries(handlers));
  }

  /** Builds a backend from a ledger object or a ledger file; throws ProtocolError NA_PROTOCOL_LEDGER_INVALID on a bad file. */
  static async create(options: EmbeddedBackendOptions): Promise<EmbeddedBackend> {
    if ('ledger' in options) return new EmbeddedBackend(options.ledger, options.now);
    let data: LedgerData;
    try {
      data = JSON.parse(await readFile(options.ledgerPath, 'utf8')) as LedgerData;
    } catch (cause) {
      throw new ProtocolError(
        ProtocolErrorCode.ledgerInvalid,
        `ledger: cannot read ${options.ledgerPath}: ${(cause as Error).message}`,
        { cause },
      );
    }
    return new EmbeddedBackend(data, options.now);
  }

  /** Answered at once: the ledger is in memory. */
  message(messageType: string, message: JsonObject, accountDigest?: number): BackendReply {
    switch (messageType) {
      case 'IsAlive':
        return { ok: true, messageType: 'IsAlive', message: {} };
      case 'AccountWeight': {
        // The dispatcher has validated the checksum already (error 7); the shape check keeps direct callers safe.
        const key = lookupKey(message.account);
        if (key === null)
          return { ok: false, code: ErrorCode.badAccountNumber, message: ErrorMessage.badAccountNumber };
        return {
          ok: true,
          messageType: 'AccountWeightResponse',
          message: { voting_weight: this.ledger.weightTextOfKey(key, accountDigest) },
        };
      }
      default:
        return { ok: false, code: ErrorCode.generic, message: ErrorMessage.unknownMessageType };
    }
  }

  legacy(request: JsonObject & { action: string }): JsonObject {
    const nodeAction = this.nodeActions.get(request.action);
    if (nodeAction !== undefined) return runNodeAction(nodeAction, request);
    const handler = this.handlers.get(request.action);
    // The dispatcher hands over only actions the catalog knows: one without a handler here is one this backend lacks.
    return handler === undefined ? { error: LegacyError.notImplemented, code: NOT_IMPLEMENTED_CODE } : handler(request);
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

  private walletBalances(request: JsonObject): JsonObject {
    const list = this.wallets.accounts(request.wallet);
    if (!list.ok) return error(list.error);
    const threshold =
      typeof request.threshold === 'string' && /^[0-9]+$/.test(request.threshold) ? BigInt(request.threshold) : 0n;
    const balances: JsonObject = {};
    for (const account of list.value) {
      const balance = this.ledger.account(account)?.balance ?? 0n;
      if (balance < threshold) continue;
      const receivable = this.ledger.receivableTotal(account, false).toString();
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
    const block = toBlockStateJson(
      record.contents,
      record.hash,
      record.subtype === 'open' ? 'receive' : record.subtype,
    );
    this.events.emit({
      type: 'confirmation',
      confirmation: {
        account: record.contents.account,
        amount: record.amount.toString(),
        hash: record.hash,
        confirmationType: 'active_quorum',
        block,
      },
    });
    return { hash: record.hash };
  }
}

/** Runs one NodeCall action: its answer, the node's `{"error"}` for a refused request, or "Empty response" for none. */
function runNodeAction(action: NodeAction, request: JsonObject): JsonObject {
  const call = new NodeCall(request);
  try {
    action(call);
  } catch (error) {
    if (error instanceof NodeRequestError) return { error: error.message };
    throw error;
  }
  return hasNoKeys(call.out) ? { error: NodeError.emptyResponse } : call.out;
}

/** No own enumerable key (what `Object.keys(out).length === 0` says, without the array). */
function hasNoKeys(out: JsonObject): boolean {
  for (const key in out) if (Object.prototype.hasOwnProperty.call(out, key)) return false;
  return true;
}

/** The default backend, from a ledger file or object. */
export function createEmbeddedBackend(options: EmbeddedBackendOptions): Promise<Backend> {
  return EmbeddedBackend.create(options);
}
