import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createEmbeddedBackend, Dispatcher, type LedgerData } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { createGateway, createRateLimiter, defaultRpcConfig, type Gateway, type RpcConfig } from '@nano-access/gateway';
import { ACCESS_TEXT, LEDGER } from './fixtures';

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  store: PolicyStore;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** A config for tests: an ephemeral loopback port, everything else as given. */
export function testConfig(overrides: Partial<RpcConfig> = {}): RpcConfig {
  return { ...defaultRpcConfig(), port: 0, ...overrides };
}

/** The in-process gateway over protocol's Dispatcher and the embedded backend on the fixture ledger. */
export async function startInProcess(
  options: {
    accessText?: string;
    store?: PolicyStore;
    config?: Partial<RpcConfig>;
    logger?: Logger;
    /** The rate limiter's clock (ms) when config.rateLimit is set; default performance.now. */
    rateClock?: () => number;
  } = {},
): Promise<RunningGateway> {
  const store = options.store ?? PolicyStore.fromText(options.accessText ?? ACCESS_TEXT);
  const backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
  const config = testConfig(options.config);
  // As `serve` does: the limiter of config-rpc.toml's [rate_limit] is the dispatcher's.
  const rateLimiter = createRateLimiter(config.rateLimit, { clock: options.rateClock });
  const dispatcher = new Dispatcher({ policy: store, backend, rateLimiter });
  const gateway = createGateway({
    dispatcher,
    store,
    config,
    logger: options.logger,
    metricsSources: [() => dispatcher.metricsText()],
  });
  let address;
  try {
    address = await gateway.listen();
  } catch (error) {
    dispatcher.close();
    await backend.close();
    if (!options.store) await store.close();
    throw error;
  }
  return {
    url: address.url,
    gateway,
    store,
    dispatcher,
    async close() {
      await gateway.close();
      dispatcher.close();
      await backend.close();
      if (!options.store) await store.close();
    },
  };
}

/** A representative of the fixture ledger and its voting weight, read from the file. */
export function ledgerRepresentative(): { account: string; weight: string } {
  const ledger = JSON.parse(readFileSync(LEDGER, 'utf8')) as LedgerData;
  const rep = ledger.accounts.find((a) => a.weight !== undefined && a.weight !== '0');
  if (!rep || rep.weight === undefined) throw new Error('the fixture ledger has no representative with weight');
  return { account: rep.account, weight: rep.weight };
}

/** An account of the fixture ledger and its balance. */
export function ledgerAccount(): { account: string; balance: string } {
  const ledger = JSON.parse(readFileSync(LEDGER, 'utf8')) as LedgerData;
  return { account: ledger.accounts[0].account, balance: ledger.accounts[0].balance };
}
