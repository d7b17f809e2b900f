import { readFileSync } from 'node:fs';

/** The account of the node's own documentation, for examples when no ledger is at hand. */
export const DOCUMENTED_ACCOUNT = 'nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3';

/**
 * An account for `serve`'s curl examples: the heaviest representative of the ledger file, else its
 * first account, else (no ledger, or one that cannot be read) the account of the node's documentation.
 */
export function exampleAccount(ledgerPath: string | undefined): string {
  if (ledgerPath === undefined) return DOCUMENTED_ACCOUNT;
  try {
    const ledger = JSON.parse(readFileSync(ledgerPath, 'utf8')) as {
      accounts?: Array<{ account?: unknown; weight?: unknown }>;
    };
    let best: { account: string; weight: bigint } | null = null;
    for (const entry of ledger.accounts ?? []) {
      if (typeof entry.account !== 'string' || typeof entry.weight !== 'string' || !/^\d+$/.test(entry.weight))
        continue;
      const weight = BigInt(entry.weight);
      if (best === null || weight > best.weight) best = { account: entry.account, weight };
    }
    return (
      best?.account ??
      (ledger.accounts?.find((a) => typeof a.account === 'string')?.account as string) ??
      DOCUMENTED_ACCOUNT
    );
  } catch {
    return DOCUMENTED_ACCOUNT;
  }
}
