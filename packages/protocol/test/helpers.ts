import * as path from 'node:path';
import { loadPolicy, type Policy, type PolicySource } from '@nano-access/resolver';
import {
  createEmbeddedBackend,
  Dispatcher,
  EmbeddedBackend,
  type Backend,
  type BackendEvent,
  type LedgerData,
  type ResponseEnvelope,
  type Session,
} from '@nano-access/protocol';
import { readFileSync } from 'node:fs';

export const LEDGER_PATH = path.resolve(__dirname, '../../../fixtures/data/ledger.json');
export const ledgerData = (): LedgerData => JSON.parse(readFileSync(LEDGER_PATH, 'utf8')) as LedgerData;

export const ADMIN = 'admin-5c1d0e8f-7a4b-4e2a-9d61-0b3f2c9a7e14';
export const READER = 'reader-8e2f4a61-3b7c-4d90-a5e1-6c2b9f0d3a77';
export const SERVICE = 'service-1f9e8d7c-6b5a-4c3d-8e2f-0a1b2c3d4e5f';
export const NOBODY = 'nobody-00000000-0000-4000-8000-000000000000';

/** Default user: built-in defaults (api_account_weight). */
export const POLICY_TEXT = `
[[user]]
id = ""

[[user]]
id = "${ADMIN}"
allow = "unrestricted"

[[user]]
id = "${READER}"
allow = "account_query, api_topic_confirmation, node_query"
deny = "api_account_weight"

[[user]]
id = "${SERVICE}"
allow = "service, block_publish, wallet"
bare = true
`;

export function testPolicy(text = POLICY_TEXT): Policy {
  const result = loadPolicy(text);
  if (result.policy === null) throw new Error(JSON.stringify(result.diagnostics));
  return result.policy;
}

export function fixedSource(policy: Policy = testPolicy()): PolicySource & { current: Policy } {
  return { current: policy };
}

/** A session that records what is pushed to it. */
export class RecordingSession implements Session {
  readonly pushed: ResponseEnvelope[] = [];
  constructor(readonly id: string) {}
  push(envelope: ResponseEnvelope): void {
    this.pushed.push(envelope);
  }
}

export function makeDispatcher(policy?: Policy): {
  dispatcher: Dispatcher;
  backend: EmbeddedBackend;
  source: PolicySource & { current: Policy };
} {
  const backend = new EmbeddedBackend(ledgerData());
  const source = fixedSource(policy);
  return { dispatcher: new Dispatcher({ policy: source, backend }), backend, source };
}

/** A representative of the fixture ledger and its weight, read from the file (not hard-coded). */
export function fixtureRepresentative(): { account: string; weight: string } {
  const rep = ledgerData().accounts.find((a) => a.weight !== undefined)!;
  return { account: rep.account, weight: rep.weight! };
}

const CONFIRMED_ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';

/**
 * The embedded backend on the fixture ledger, plus a way for a test to publish a confirmation (as
 * `process` does) to every subscriber. The servers' tests (IPC, gateway) use it too.
 */
export async function backendWithTrigger(): Promise<{ backend: Backend; confirm: (hash: string) => void }> {
  const inner = await createEmbeddedBackend({ ledgerPath: LEDGER_PATH });
  const listeners = new Set<(event: BackendEvent) => void>();
  const backend: Backend = {
    kind: inner.kind,
    message: (type, message) => inner.message(type, message),
    legacy: (request) => inner.legacy(request),
    subscribe(listener) {
      const off = inner.subscribe(listener);
      listeners.add(listener);
      return () => {
        off();
        listeners.delete(listener);
      };
    },
    requestStop: (reason) => inner.requestStop(reason),
    close: () => inner.close(),
  };
  const confirm = (hash: string): void => {
    const block = {
      hash,
      account: CONFIRMED_ACCOUNT,
      previous: '0'.repeat(64),
      representative: CONFIRMED_ACCOUNT,
      balance: '1',
      link: '0'.repeat(64),
      link_as_account: CONFIRMED_ACCOUNT,
      signature: '0'.repeat(128),
      work: '0'.repeat(16),
      subtype: 'send' as const,
    };
    for (const listener of [...listeners])
      listener({
        type: 'confirmation',
        confirmation: { account: CONFIRMED_ACCOUNT, amount: '1', hash, confirmationType: 'active_quorum', block },
      });
  };
  return { backend, confirm };
}
