import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReloadResult } from '@nano-access/reloader';
import { loadPolicy } from '@nano-access/resolver';
import { ALICE, ALICE_READS, ALICE_WRITES, BOB, captureLogger, sha256, storeFixture } from './helpers';

// offThreadBytes: 1 sends every reload to the worker thread (the built dist/load-worker.js; the
// suite builds first); Infinity keeps it on the main thread. Both must give the same outcome.
describe('PolicyStore reloads in a worker thread (offThreadBytes)', () => {
  const fixture = storeFixture({ watch: false, displayName: 'config-access.toml' });
  const { stores } = fixture;
  let dir: string;
  let file: string;
  beforeEach(() => ({ dir, file } = fixture));
  const open = fixture.open;

  /** The same reload of `next` over `first`, in the worker and on the main thread. */
  async function reloadBoth(
    first: string,
    next: string | Buffer,
  ): Promise<{ worker: ReloadResult; main: ReloadResult }> {
    writeFileSync(file, first);
    const inWorker = await open({ offThreadBytes: 1 });
    const onMain = await open({ offThreadBytes: Infinity });
    writeFileSync(file, next);
    return { worker: await inWorker.reload(), main: await onMain.reload() };
  }

  it('activates a file loaded in the worker with the decisions of loadPolicy', async () => {
    const { worker } = await reloadBoth(ALICE_READS, ALICE_WRITES);
    const store = stores[0];
    expect(worker).toMatchObject({ outcome: 'reloaded', generation: 2, hash: sha256(ALICE_WRITES), diagnostics: [] });
    const reference = loadPolicy(ALICE_WRITES).policy!;
    for (const who of [ALICE, BOB, '', 'unknown-key-0000'])
      for (const permission of [
        'wallet_read',
        'wallet_write',
        'account_query',
        'api_account_balance',
        'node_query',
      ] as const)
        expect(store.current.check(who, permission)).toBe(reference.check(who, permission));
    expect(store.current.userCount).toBe(2);
    expect(store.current.explain(BOB).user.kind).toBe('user');
    expect(store.status()).toMatchObject({ generation: 2, lastReloadSuccessful: true, users: 2 });
  });

  it('rejects a bad file with the same diagnostics (file:line:col, rule) and keeps the last good policy', async () => {
    const broken = `[[user]]\nid = "${ALICE}"\nroles = "no-such-role"\nallow = "wallet_red"\n`;
    const { worker, main } = await reloadBoth(ALICE_READS, broken);
    expect(worker.outcome).toBe('rejected');
    expect(worker.diagnostics.map((d) => d.ruleId).sort()).toEqual(['unknown-permission', 'unknown-role']);
    expect(worker).toEqual(main);
    expect(stores[0].current.check(ALICE, 'wallet_read')).toBe(true);
    expect(stores[0].generation).toBe(1);
  });

  it('rejects a file that is not UTF-8 as the main thread does', async () => {
    const latin1 = Buffer.concat([Buffer.from(`[[user]]\nid = "${ALICE}"\n# caf`), Buffer.from([0xe9, 0x0a])]);
    const { worker, main } = await reloadBoth(ALICE_READS, latin1);
    expect(worker.outcome).toBe('rejected');
    expect(worker.error?.code).toBe('NA_RELOAD_NOT_UTF8');
    expect(worker).toEqual(main);
    expect(stores[0].current.check(ALICE, 'wallet_read')).toBe(true);
  });

  it('logs the inspector findings of a worker reload, loaded from inspectModule', async () => {
    const inspector = join(dir, 'inspector.js');
    writeFileSync(
      inspector,
      `exports.findings = ({ file, loaded }) => [{ ruleId: 'users-counted', severity: 'warning', message: 'users: ' + loaded.policy.userCount, file, span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } }];\n`,
    );
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open({
      offThreadBytes: 1,
      logger,
      inspect: () => [],
      inspectModule: { module: inspector, name: 'findings' },
    });
    writeFileSync(file, ALICE_WRITES);
    const result = await store.reload();
    expect(result.outcome).toBe('reloaded');
    expect(result.diagnostics).toEqual([expect.objectContaining({ ruleId: 'users-counted', message: 'users: 2' })]);
    expect(records().some((line) => line.rule === 'users-counted' && line.security === true)).toBe(true);
  });

  it('fails closed with NA_RELOAD_WORKER_FAILED when the worker dies, keeping the last good policy', async () => {
    const dies = join(dir, 'dies.js');
    writeFileSync(dies, 'process.exit(7);\n');
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open({
      offThreadBytes: 1,
      logger,
      inspect: () => [],
      inspectModule: { module: dies, name: 'x' },
    });
    writeFileSync(file, ALICE_WRITES);
    const result = await store.reload();
    expect(result.outcome).toBe('rejected');
    expect(result.error).toEqual({ code: 'NA_RELOAD_WORKER_FAILED', message: expect.stringContaining('code 7') });
    expect(store.current.check(ALICE, 'wallet_write')).toBe(false);
    expect(store.status()).toMatchObject({ generation: 1, lastReloadSuccessful: false, reloads: { failure: 1 } });
    expect(records().some((line) => line.code === 'NA_RELOAD_WORKER_FAILED' && line.level === 50)).toBe(true);
  });

  it('keeps the main thread for a store whose inspector a worker cannot load', async () => {
    writeFileSync(file, ALICE_READS);
    let inspected = 0;
    const store = await open({ offThreadBytes: 1, inspect: () => (inspected++, []) });
    writeFileSync(file, ALICE_WRITES);
    expect((await store.reload()).outcome).toBe('reloaded');
    expect(inspected).toBe(2);
  });
});
