/**
 * The engine the server benches run on: the bundled data directory's policy (a PolicyStore) and
 * embedded ledger behind one Dispatcher, and the ledger's first representative (an account with a
 * weight, the AccountWeight request's subject). The packages are imported when asked for, so a
 * bench's parent process (its load generator) does not load them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend, Dispatcher } from '@nano-access/protocol';
import type { PolicyStore } from '@nano-access/reloader';

export const DATA = join(__dirname, '..', 'fixtures', 'data');

export interface FixtureEngine {
  /** An account of the ledger with a voting weight, and that weight as the node writes it. */
  rep: { account: string; weight: string };
  store: PolicyStore;
  backend: Backend;
  dispatcher: Dispatcher;
}

export async function fixtureEngine(): Promise<FixtureEngine> {
  const { createEmbeddedBackend, Dispatcher: DispatcherClass } = await import('@nano-access/protocol');
  const { PolicyStore: Store } = await import('@nano-access/reloader');
  const ledger = JSON.parse(readFileSync(join(DATA, 'ledger.json'), 'utf8')) as {
    accounts: Array<{ account: string; weight?: string }>;
  };
  const rep = ledger.accounts.find((a) => a.weight !== undefined);
  if (rep?.weight === undefined) throw new Error('the fixture ledger has no account with a weight');
  const store = Store.fromText(readFileSync(join(DATA, 'config-access.toml'), 'utf8'));
  const backend = await createEmbeddedBackend({ ledgerPath: join(DATA, 'ledger.json') });
  const dispatcher = new DispatcherClass({ policy: store, backend });
  return { rep: { account: rep.account, weight: rep.weight }, store, backend, dispatcher };
}
