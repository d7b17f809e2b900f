import * as path from 'node:path';
import { loadPolicy, type Policy, type PolicySource } from '@nano-access/resolver';
import {
  Dispatcher,
  EmbeddedBackend,
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
