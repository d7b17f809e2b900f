import { randomBytes } from 'node:crypto';
import { deterministicPrivateKey, publicKeyOf } from '../../crypto/ed25519-blake2b';
import { canonicalAccount, encodeAccount } from '../../crypto/nano-address';
import { ErrorMessage } from '../../errors';

interface Wallet {
  seed: Uint8Array;
  nextIndex: number;
  /** account → private key (never leaves this module except through the wallet's own actions). */
  keys: Map<string, Uint8Array>;
}

export type WalletResult<T> = { ok: true; value: T } | { ok: false; error: string };

const WALLET_ID = /^[0-9A-Fa-f]{64}$/;

/**
 * In-memory wallets, as the node's: a random id, a random seed, deterministic
 * accounts (BLAKE2b-256(seed ‖ index)) and ad-hoc keys. Nothing is persisted.
 */
export class Wallets {
  private readonly wallets = new Map<string, Wallet>();

  create(seedHex?: string): WalletResult<string> {
    let seed: Uint8Array;
    if (seedHex === undefined) seed = randomBytes(32);
    else if (WALLET_ID.test(seedHex)) seed = Buffer.from(seedHex, 'hex');
    else return { ok: false, error: 'Bad seed' };
    const id = randomBytes(32).toString('hex').toUpperCase();
    this.wallets.set(id, { seed, nextIndex: 0, keys: new Map() });
    return { ok: true, value: id };
  }

  private get(id: unknown): WalletResult<Wallet> {
    if (typeof id !== 'string' || !WALLET_ID.test(id)) return { ok: false, error: 'Bad wallet number' };
    const wallet = this.wallets.get(id.toUpperCase());
    return wallet === undefined ? { ok: false, error: 'Wallet not found' } : { ok: true, value: wallet };
  }

  /** account_create: the next deterministic account (or the given index). */
  createAccount(id: unknown, index?: number): WalletResult<string> {
    const found = this.get(id);
    if (!found.ok) return found;
    const wallet = found.value;
    const i = index ?? wallet.nextIndex;
    const key = deterministicPrivateKey(wallet.seed, i);
    const account = encodeAccount(publicKeyOf(key));
    wallet.keys.set(account, key);
    if (index === undefined || index >= wallet.nextIndex) wallet.nextIndex = i + 1;
    return { ok: true, value: account };
  }

  /** wallet_add: adds an ad-hoc private key. */
  addKey(id: unknown, keyHex: unknown): WalletResult<string> {
    const found = this.get(id);
    if (!found.ok) return found;
    if (typeof keyHex !== 'string' || !WALLET_ID.test(keyHex)) return { ok: false, error: 'Bad private key' };
    const key = Uint8Array.from(Buffer.from(keyHex, 'hex'));
    const account = encodeAccount(publicKeyOf(key));
    found.value.keys.set(account, key);
    return { ok: true, value: account };
  }

  /** True when any wallet holds the account. */
  holds(account: string): boolean {
    for (const wallet of this.wallets.values()) if (wallet.keys.has(account)) return true;
    return false;
  }

  accounts(id: unknown): WalletResult<string[]> {
    const found = this.get(id);
    if (!found.ok) return found;
    return { ok: true, value: [...found.value.keys.keys()] };
  }

  contains(id: unknown, account: unknown): WalletResult<boolean> {
    const found = this.get(id);
    if (!found.ok) return found;
    const canonical = canonicalAccount(account);
    if (canonical === null) return { ok: false, error: ErrorMessage.badAccountNumber };
    return { ok: true, value: found.value.keys.has(canonical) };
  }
}
