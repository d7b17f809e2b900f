import {
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { PolicyStore, ReloadResult } from '@nano-access/reloader';
import { ALICE, ALICE_READS, ALICE_WRITES, BOB, captureLogger, sha256, storeFixture, waitFor } from './helpers';

jest.setTimeout(60000);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A file with `count` users; user i has `wallet_read`, the last one also `account_query`. */
function manyUsers(count: number, tag: string): string {
  const users: string[] = [];
  for (let i = 0; i < count; i += 1) {
    users.push(
      `[[user]]\nid = "${tag}-user-${String(i).padStart(6, '0')}-9f8e7d6c"\nallow = "wallet_read${i === count - 1 ? ', account_query' : ''}"\n`,
    );
  }
  return users.join('\n');
}

describe('PolicyStore watching the file', () => {
  const fixture = storeFixture();
  let dir: string;
  let file: string;
  beforeEach(() => ({ dir, file } = fixture));

  const open = (path = file, logger = captureLogger().logger): Promise<PolicyStore> => fixture.open({ logger }, path);

  it('activates a valid change written in place', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    expect(store.status().watching).toBe(true);
    writeFileSync(file, ALICE_WRITES);
    await waitFor(() => store.status().hash === sha256(ALICE_WRITES), 'the change to be active');
    expect(store.current.check(BOB, 'account_query')).toBe(true);
    expect(store.status().reloads.success).toBe(1);
  });

  it('rejects a change with a syntax error, keeps the old policy, and then takes the fix', async () => {
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open(file, logger);
    writeFileSync(file, `[[user]\nid = "${ALICE}"\n`);
    await waitFor(() => store.status().lastFailure !== null, 'the rejection');
    expect(store.status().lastFailure?.diagnostics.map((d) => d.ruleId)).toContain('toml-syntax');
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(records().some((line) => line.rule === 'toml-syntax' && line.level === 50)).toBe(true);
    writeFileSync(file, ALICE_WRITES);
    await waitFor(() => store.status().hash === sha256(ALICE_WRITES), 'the fixed file to be active');
    expect(store.status()).toMatchObject({ generation: 2, lastReloadSuccessful: true });
  });

  it('rejects a change with an unknown permission and keeps the old policy', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    const rejected = new Promise((resolve) => store.once('rejected', resolve));
    writeFileSync(file, `[[user]]\nid = "${ALICE}"\nallow = "unrestricted"\ndeny = "wallet_seed_chnage"\n`);
    expect(await rejected).toMatchObject({
      generation: 1,
      diagnostics: expect.arrayContaining([expect.objectContaining({ ruleId: 'unknown-permission' })]),
    });
    expect(store.current.check(ALICE, 'wallet_seed_change')).toBe(false);
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
  });

  it('follows an editor that saves by renaming a new file over the old one', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    for (const content of [ALICE_WRITES, ALICE_READS, ALICE_WRITES]) {
      const temp = join(dir, '.config-access.toml.swp');
      writeFileSync(temp, content);
      renameSync(temp, file);
      await waitFor(() => store.status().hash === sha256(content), 'the renamed file to be active');
    }
    expect(store.status().generation).toBe(4);
  });

  it('keeps the policy while the file is deleted, and loads it when it is recreated', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    const missing = new Promise((resolve) => store.once('missing', resolve));
    unlinkSync(file);
    expect(await missing).toMatchObject({ generation: 1 });
    expect(store.status().fileMissing).toBe(true);
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    writeFileSync(file, ALICE_WRITES);
    await waitFor(() => store.status().hash === sha256(ALICE_WRITES), 'the recreated file to be active');
    expect(store.status()).toMatchObject({ generation: 2, fileMissing: false });
  });

  it('follows a Kubernetes ConfigMap update: an atomic swap of the ..data symlink', async () => {
    // The kubelet layout: config-access.toml -> ..data/config-access.toml, ..data -> ..<timestamp>.
    const writeVersion = (version: string, content: string): void => {
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'config-access.toml'), content);
    };
    writeVersion('..2026_01_01_00_00_00.000000001', ALICE_READS);
    symlinkSync('..2026_01_01_00_00_00.000000001', join(dir, '..data'));
    symlinkSync(join('..data', 'config-access.toml'), file);
    const store = await open();
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    let previous = '..2026_01_01_00_00_00.000000001';
    for (const [version, content] of [
      ['..2026_01_01_00_05_00.000000002', ALICE_WRITES],
      ['..2026_01_01_00_10_00.000000003', ALICE_READS],
    ] as const) {
      writeVersion(version, content);
      symlinkSync(version, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, previous), { recursive: true });
      previous = version;
      await waitFor(() => store.status().hash === sha256(content), `ConfigMap version ${version} to be active`);
    }
    expect(store.status()).toMatchObject({ generation: 3, reloads: { success: 2, failure: 0 } });
  });

  it('loads a file written in several quick chunks whole (chunks 5 ms apart: the event of each counts)', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    const whole = manyUsers(40, 'quick');
    const chunks = 8;
    const size = Math.ceil(whole.length / chunks);
    const fd = openSync(file, 'w');
    for (let i = 0; i < chunks; i += 1) {
      writeSync(fd, whole.slice(i * size, (i + 1) * size));
      await pause(5);
    }
    closeSync(fd);
    await waitFor(() => store.status().hash === sha256(whole), 'the whole file to be active');
    expect(store.current.userCount).toBe(40);
    expect(store.current.check('quick-user-000039-9f8e7d6c', 'account_query')).toBe(true);
  });

  it('loads a file written in slow chunks whole once the last chunk lands', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    const whole = manyUsers(12, 'slow');
    const chunks = 4;
    const size = Math.ceil(whole.length / chunks);
    const fd = openSync(file, 'w');
    for (let i = 0; i < chunks; i += 1) {
      writeSync(fd, whole.slice(i * size, (i + 1) * size));
      await pause(250); // longer than the debounce: partial states are read (and rejected or loaded) on the way
    }
    closeSync(fd);
    await waitFor(() => store.status().hash === sha256(whole), 'the whole file to be active');
    expect(store.current.check('slow-user-000011-9f8e7d6c', 'account_query')).toBe(true);
  });

  it('never applies a prefix read by a watch reload that ran while a writer was writing in place', async () => {
    // The soak's case: a watch reload waits behind a running reload, and by the time it reads, a
    // writer has begun rewriting the file in place. Its first chunk alone is a valid policy.
    writeFileSync(file, ALICE_READS);
    const store = await open();
    const first = manyUsers(2, 'first');
    const prefix = ALICE_WRITES;
    const whole = `${prefix}\n${manyUsers(3, 'late')}`;
    const applied: string[] = [];
    let fd = -1;
    let queuedWatchReload: Promise<ReloadResult> | undefined;
    store.on('reloaded', (event) => {
      if (event.hash !== null) applied.push(event.hash);
      if (event.hash !== sha256(first)) return;
      // Inside the running reload: the writer truncates the file and writes its first chunk, and
      // a watch reload is queued behind this one (as a debounce that fired meanwhile queues it).
      fd = openSync(file, 'w');
      writeSync(fd, prefix);
      queuedWatchReload = store.reload('watch');
    });
    writeFileSync(`${file}.tmp`, first);
    renameSync(`${file}.tmp`, file);
    await store.reload('manual');
    const superseded = await queuedWatchReload;
    // The rest of the file, well inside the debounce that the first chunk's events re-armed.
    writeSync(fd, whole.slice(prefix.length));
    closeSync(fd);
    expect(superseded?.outcome).toBe('superseded');
    await waitFor(() => store.status().hash === sha256(whole), 'the whole file to be active');
    expect(applied).toEqual([sha256(first), sha256(whole)]);
    expect(store.current.check('late-user-000002-9f8e7d6c', 'account_query')).toBe(true);
  });

  it('ends with the last of 100 rapid writes active', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    let last = '';
    for (let i = 1; i <= 100; i += 1) {
      last = `[[user]]\nid = "${ALICE}"\nallow = "wallet_read"\n\n[[user]]\nid = "writer-${String(i).padStart(3, '0')}-5a4b3c2d1e0f"\nallow = "account_query"\n`;
      writeFileSync(file, last);
    }
    await waitFor(() => store.status().hash === sha256(last), 'the 100th write to be active');
    expect(store.current.check('writer-100-5a4b3c2d1e0f', 'account_query')).toBe(true);
    expect(store.current.check('writer-099-5a4b3c2d1e0f', 'account_query')).toBe(false);
    expect(store.status().reloads.success).toBeLessThan(100);
  });

  it('follows edits to the target of a file that is a symlink into another directory', async () => {
    const targetDir = join(dir, 'policies');
    mkdirSync(targetDir);
    const target = join(targetDir, 'access.toml');
    writeFileSync(target, ALICE_READS);
    symlinkSync(target, file);
    const store = await open();
    writeFileSync(target, ALICE_WRITES);
    await waitFor(() => store.status().hash === sha256(ALICE_WRITES), 'the edited target to be active');
    expect(store.current.check(BOB, 'account_query')).toBe(true);
  });

  it('keeps following a symlink after it is re-pointed to another directory: a later edit of the new target is applied', async () => {
    // config-access.toml -> releases/1/config-access.toml, then -> releases/2/config-access.toml.
    const release = (n: number): string => join(dir, 'releases', String(n), 'config-access.toml');
    const both = `${ALICE_WRITES}\n[[user]]\nid = "carol-2c4e6a8b0d1f3e5a"\nallow = "account_query"\n`;
    mkdirSync(join(dir, 'releases', '1'), { recursive: true });
    mkdirSync(join(dir, 'releases', '2'), { recursive: true });
    writeFileSync(release(1), ALICE_WRITES);
    writeFileSync(release(2), both);
    symlinkSync(join('releases', '1', 'config-access.toml'), file);
    const store = await open();
    expect(store.status().watched).toContain(release(1));
    symlinkSync(join('releases', '2', 'config-access.toml'), join(dir, '.config-access.toml.new'));
    renameSync(join(dir, '.config-access.toml.new'), file);
    await waitFor(() => store.status().hash === sha256(both), 'the re-pointed link to be active');
    await waitFor(() => store.status().watched.includes(release(2)), 'the watch to follow the link to releases/2');
    expect(store.status().watched).not.toContain(release(1));
    // BOB's key is removed from releases/2's file, by rename: no SIGHUP, the watch alone must see it.
    writeFileSync(join(dir, 'releases', '2', '.next'), ALICE_READS);
    renameSync(join(dir, 'releases', '2', '.next'), release(2));
    await waitFor(() => store.status().hash === sha256(ALICE_READS), 'the edit of the new target to be active');
    expect(store.current.check(BOB, 'account_query')).toBe(false);
  });
});
