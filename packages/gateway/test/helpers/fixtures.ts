import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..', '..');
export const LEDGER = join(REPO, 'fixtures', 'data', 'ledger.json');

/** Test users (ids are long and random-looking, as the linter wants). */
export const USERS = {
  walletReader: 'wallet-reader-7c1f3a9e-52d4-4b8e-9f06-1d2e3c4b5a69',
  accounts: 'accounts-viewer-3e8b2d71-04a9-4c5f-b6e2-8f9a0b1c2d3e',
  ops: 'ops-node-query-a4d29f10-6b3c-47e8-9d15-2c7e8f0a1b4d',
  wallets: 'wallet-writer-91b0c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
} as const;

/** The policy most tests run under. */
export const ACCESS_TEXT = `
[[user]]
id = ""
allow = "api_account_weight"

[[user]]
id = "${USERS.walletReader}"
allow = "wallet_read"
bare = true

[[user]]
id = "${USERS.accounts}"
allow = "account_query"

[[user]]
id = "${USERS.ops}"
allow = "node_query"
bare = true

[[user]]
id = "${USERS.wallets}"
allow = "wallet_read, wallet_write"
`;
