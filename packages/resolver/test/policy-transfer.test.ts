import { exportPolicy, loadPolicy, nanoCatalog, PolicyAssembler, transferBuffers } from '@nano-access/resolver';
import type { Catalog, Policy } from '@nano-access/resolver';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';

const FILE = `
[[role]]
id = "reader"
allow = "wallet_read, account_query"

[[user]]
allow = "node_query"

[[user]]
id = "alice-0f3c9a7e51d24b86"
roles = "reader"
deny = "account_query"

[[user]]
id = "bob-caf\u00e9-\u043a\u043b\u044e\u0447-0001"
bare = true
allow = ["wallet_write"]
`;

/** A transfer posted through a real MessagePort (its buffers moved), then rebuilt chunk by chunk. */
function roundTrip(policy: Policy): Policy {
  const transfer = exportPolicy(policy);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(transfer, transferBuffers(transfer));
  const received = receiveMessageOnPort(port2)!.message as typeof transfer;
  port1.close();
  expect(transfer.slotBase.byteLength).toBe(0); // moved, not copied
  const assembler = new PolicyAssembler(received, nanoCatalog);
  let steps = 1;
  while (!assembler.addChunk()) steps++;
  expect(steps).toBe(received.idChunkEnds.length || 1);
  return assembler.finish();
}

describe('exportPolicy / PolicyAssembler', () => {
  it('rebuilds a policy that decides and explains exactly as the original', () => {
    const catalog: Catalog = nanoCatalog;
    const original = loadPolicy(FILE, { catalog }).policy!;
    expect(original).not.toBeNull();
    const copy = roundTrip(original);
    const names: string[] = nanoCatalog.permissions.map((p) => p.name);
    const who = ['', 'alice-0f3c9a7e51d24b86', 'bob-caf\u00e9-\u043a\u043b\u044e\u0447-0001', 'nobody', undefined];
    for (const credentials of who) {
      for (const name of names) expect(copy.check(credentials, name)).toBe(original.check(credentials, name));
      expect(copy.effective(credentials)).toEqual(original.effective(credentials));
      expect(copy.explain(credentials, 'account_query')).toEqual(original.explain(credentials, 'account_query'));
    }
    expect(copy.userCount).toBe(original.userCount);
  });

  it('rebuilds a policy of many chunks with every user in its slot', () => {
    const users = Array.from(
      { length: 10_000 },
      (_, i) => `[[user]]\nid = "key-${i}-abcdefghijkl"\nallow = "${i % 2 ? 'wallet_read' : 'node_query'}"\n`,
    );
    const original = loadPolicy(users.join('\n')).policy!;
    const copy = roundTrip(original);
    for (let i = 0; i < 10_000; i += 7) {
      const id = `key-${i}-abcdefghijkl`;
      expect(copy.check(id, 'wallet_read')).toBe(i % 2 === 1);
      expect(copy.explain(id).user).toEqual(original.explain(id).user);
    }
  });

  it('refuses a transfer rebuilt against another catalog (NA_POLICY_TRANSFER_INVALID)', () => {
    const other = { ...nanoCatalog, name: 'another-catalog' };
    const transfer = exportPolicy(loadPolicy(FILE).policy!);
    expect(() => new PolicyAssembler(transfer, other)).toThrow(
      expect.objectContaining({ code: 'NA_POLICY_TRANSFER_INVALID' }),
    );
  });

  it('refuses to finish before every chunk is in', () => {
    const assembler = new PolicyAssembler(exportPolicy(loadPolicy(FILE).policy!), nanoCatalog);
    expect(() => assembler.finish()).toThrow(expect.objectContaining({ code: 'NA_POLICY_TRANSFER_INVALID' }));
  });
});
