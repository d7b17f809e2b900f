import { accountKeyDigest } from '../../crypto/nano-address';

/** One representative's voting weight, and the weight's decimal text, which answers send. */
export interface Weight {
  readonly amount: bigint;
  readonly decimal: string;
}

interface Entry extends Weight {
  readonly account: string;
  amount: bigint;
  decimal: string;
  /** The next entry whose account has the same digest (rare: a chance of 2⁻¹⁷ a pair at most). */
  sameDigest: Entry | undefined;
}

/**
 * Representative (a `nano_` account) → voting weight, read by the account's text or by its
 * accountKeyDigest (the v2 AccountWeight path, where the dispatcher has the digest at hand: a
 * small-integer key, where a 65-character string costs its hash on every request).
 *
 * The decimal text is made when a weight changes: a bigint's conversion (~0.8k instructions) was
 * otherwise paid on each request for a value that changes only with a block.
 */
export class WeightTable {
  private readonly byAccount = new Map<string, Entry>();
  private readonly byDigest = new Map<number, Entry>();

  /** `digestOf` is accountKeyDigest; a test gives one that collides to exercise the chains. */
  constructor(private readonly digestOf: (account: string) => number = accountKeyDigest) {}

  /** Adds `amount` (negative to take away) to `account`'s weight. */
  add(account: string, amount: bigint): void {
    let entry = this.byAccount.get(account);
    if (entry === undefined) {
      entry = { account, amount: 0n, decimal: '0', sameDigest: undefined };
      this.byAccount.set(account, entry);
      const digest = this.digestOf(account);
      // An account that is not valid has no digest, and no request with a valid one can name it.
      if (digest >= 0) {
        entry.sameDigest = this.byDigest.get(digest);
        this.byDigest.set(digest, entry);
      }
    }
    entry.amount += amount;
    entry.decimal = entry.amount.toString();
  }

  get(account: string): Weight | undefined {
    return this.byAccount.get(account);
  }

  /** get(account) for an account whose digestOf is `digest`. */
  getByDigest(digest: number, account: string): Weight | undefined {
    for (let entry = this.byDigest.get(digest); entry !== undefined; entry = entry.sameDigest)
      if (entry.account === account) return entry;
    return undefined;
  }

  /** Every account with a weight entry, and its amount. */
  *amounts(): IterableIterator<[string, bigint]> {
    for (const [account, { amount }] of this.byAccount) yield [account, amount];
  }
}
