import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyStore, PolicyStoreError } from '@nano-access/reloader';
import type { PolicyInspection } from '@nano-access/reloader';
import { ALICE, ALICE_READS, ALICE_WRITES, BOB, captureLogger, sha256, storeFixture, tempDir } from './helpers';

const isRoot = process.getuid?.() === 0;
const OTHER_UID = 4242;

describe('PolicyStore: who can change the file', () => {
  const fixture = storeFixture({ watch: false });
  const { stores } = fixture;
  let dir: string;
  let file: string;
  beforeEach(() => ({ dir, file } = fixture));
  const open = fixture.open;

  const failureOf = (options: Parameters<typeof PolicyStore.open>[1] = {}): Promise<unknown> =>
    PolicyStore.open(file, { watch: false, ...options }).then(
      (store) => {
        stores.push(store);
        return null;
      },
      (error: unknown) => error,
    );

  it.each(['0666', '0620', '0602'])(
    'refuses at open a file of mode %s (writable by group or others), naming the mode',
    async (mode) => {
      writeFileSync(file, ALICE_READS);
      chmodSync(file, parseInt(mode, 8));
      const failure = await failureOf();
      expect(failure).toBeInstanceOf(PolicyStoreError);
      expect(failure).toMatchObject({
        code: 'NA_RELOAD_FILE_UNSAFE',
        message: expect.stringContaining(`(mode ${mode})`),
      });
    },
  );

  it('refuses at open a file in a directory others can write, sticky bit or not', async () => {
    writeFileSync(file, ALICE_READS, { mode: 0o600 });
    for (const mode of [0o777, 0o1777, 0o770]) {
      chmodSync(dir, mode);
      expect(await failureOf()).toMatchObject({
        code: 'NA_RELOAD_FILE_UNSAFE',
        message: expect.stringContaining(`the directory ${dir} is writable by`),
      });
    }
    chmodSync(dir, 0o755);
    expect(await failureOf()).toBeNull();
  });

  it("refuses the directory of a symlink's target when it is writable, not only the link's", async () => {
    mkdirSync(join(dir, 'releases'), { mode: 0o777 });
    chmodSync(join(dir, 'releases'), 0o777);
    writeFileSync(join(dir, 'releases', 'access.toml'), ALICE_READS, { mode: 0o600 });
    symlinkSync(join('releases', 'access.toml'), file);
    expect(await failureOf()).toMatchObject({
      code: 'NA_RELOAD_FILE_UNSAFE',
      message: expect.stringContaining(join(dir, 'releases')),
    });
  });

  it("accepts read bits (a git checkout is 0644): they are the linter's warning, not a refusal", async () => {
    writeFileSync(file, ALICE_READS);
    chmodSync(file, 0o644);
    const store = await open();
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
  });

  (isRoot ? it : it.skip)(
    'refuses a file or directory owned by another user, not by root or this user (needs root to chown)',
    async () => {
      writeFileSync(file, ALICE_READS, { mode: 0o600 });
      chownSync(file, OTHER_UID, OTHER_UID);
      expect(await failureOf()).toMatchObject({
        code: 'NA_RELOAD_FILE_UNSAFE',
        message: expect.stringContaining(`is owned by uid ${OTHER_UID}`),
      });
      chownSync(file, 0, 0);
      chownSync(dir, OTHER_UID, 0);
      expect(await failureOf()).toMatchObject({
        code: 'NA_RELOAD_FILE_UNSAFE',
        message: expect.stringContaining(`the directory ${dir} is owned by uid ${OTHER_UID}`),
      });
      chownSync(dir, 0, 0);
      expect(await failureOf()).toBeNull();
    },
  );

  it('keeps the last good policy when a reload finds the file writable, and applies the change once it is fixed', async () => {
    writeFileSync(file, ALICE_READS, { mode: 0o600 });
    const { logger, records } = captureLogger();
    const store = await open({ logger });
    writeFileSync(file, ALICE_WRITES);
    chmodSync(file, 0o666);
    const refused = await store.reload('signal');
    expect(refused.outcome).toBe('rejected');
    expect(store.status().lastFailure?.error).toMatchObject({ code: 'NA_RELOAD_FILE_UNSAFE' });
    expect(store.current.check(BOB, 'account_query')).toBe(false);
    expect(store.generation).toBe(1);
    expect(records().find((r) => r.code === 'NA_RELOAD_FILE_UNSAFE')).toMatchObject({
      level: 50,
      msg: expect.stringContaining('writable by group and others (mode 0666)'),
    });
    // Content unchanged, mode made unsafe: refused as well (the file is no longer trusted).
    writeFileSync(file, ALICE_READS);
    expect((await store.reload()).outcome).toBe('rejected');
    writeFileSync(file, ALICE_WRITES);
    chmodSync(file, 0o600);
    expect((await store.reload()).outcome).toBe('reloaded');
    expect(store.current.check(BOB, 'account_query')).toBe(true);
  });

  it('serves an unsafe file when allowInsecurePermissions is set, saying so at warn at each activation', async () => {
    writeFileSync(file, ALICE_READS);
    chmodSync(file, 0o666);
    const { logger, records } = captureLogger();
    const store = await open({ logger, allowInsecurePermissions: true });
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    writeFileSync(file, ALICE_WRITES);
    expect((await store.reload()).outcome).toBe('reloaded');
    const warnings = records().filter((r) => r.code === 'NA_RELOAD_FILE_UNSAFE');
    expect(warnings.map((r) => [r.level, r.generation])).toEqual([
      [40, 1],
      [40, 2],
    ]);
    expect(warnings[0].msg).toContain('served anyway because allow_insecure_permissions is set');
  });
});

/** Whether this machine lets us mount a tmpfs (root with CAP_SYS_ADMIN), and why not. */
function probeMount(): string | null {
  const { dir, remove } = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  } finally {
    remove();
  }
}
const cannotMount = probeMount();

describe(`PolicyStore on a Kubernetes volume (a real read-only tmpfs mount${cannotMount === null ? '' : `; skipped: cannot mount here: ${cannotMount}`})`, () => {
  let dir: string;
  let remove: () => void;

  beforeAll(() => {
    if (cannotMount !== null) return;
    ({ dir, remove } = tempDir());
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
  });
  afterAll(() => {
    if (cannotMount !== null) return;
    execFileSync('umount', [dir]);
    remove();
  });

  /**
   * The kubelet's layout for a Secret with defaultMode 0440 and an fsGroup: the volume's root is a
   * tmpfs (mode 1777, plus setgid and group bits from fsGroup), the files live in a timestamped
   * directory (0755, plus setgid), `..data` points at it, and each name is a symlink through `..data`.
   */
  function kubeletLayout(): string {
    const version = '..2026_01_01_00_00_00.000000001';
    mkdirSync(join(dir, version));
    writeFileSync(join(dir, version, 'config-access.toml'), ALICE_READS);
    chownSync(join(dir, version, 'config-access.toml'), 0, 2000);
    chmodSync(join(dir, version, 'config-access.toml'), 0o440);
    chmodSync(join(dir, version), 0o2755);
    symlinkSync(version, join(dir, '..data'));
    symlinkSync(join('..data', 'config-access.toml'), join(dir, 'config-access.toml'));
    chmodSync(dir, 0o3777);
    return join(dir, 'config-access.toml');
  }

  // Mounting needs root and CAP_SYS_ADMIN; without them, the judgment itself is still covered in @nano-access/parser.
  (cannotMount === null ? it : it.skip)(
    'accepts a Secret volume with defaultMode 0440 and fsGroup: write bits on a read-only mount let nobody write',
    async () => {
      const file = kubeletLayout();
      // Mounted read-write, the world-writable root is a real hole: refused.
      await expect(PolicyStore.open(file, { watch: false })).rejects.toMatchObject({
        code: 'NA_RELOAD_FILE_UNSAFE',
        message: expect.stringContaining(`the directory ${dir} is writable by group and others (mode 3777)`),
      });
      execFileSync('mount', ['-o', 'remount,ro', dir]);
      try {
        const store = await PolicyStore.open(file, { watch: false });
        expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
        expect(store.status().hash).toBe(sha256(ALICE_READS));
        await store.close();
      } finally {
        execFileSync('mount', ['-o', 'remount,rw', dir]);
      }
    },
  );
});

describe('PolicyStore inspect hook', () => {
  let dir: string;
  let remove: () => void;
  let file: string;

  beforeEach(() => {
    ({ dir, remove } = tempDir());
    file = join(dir, 'config-access.toml');
  });
  afterEach(() => remove());

  it('is called with each policy activated (at open and on reload); its findings are logged at warn with their rule', async () => {
    writeFileSync(file, ALICE_READS, { mode: 0o644 });
    const { logger, records } = captureLogger();
    const seen: PolicyInspection[] = [];
    const store = await PolicyStore.open(file, {
      watch: false,
      logger,
      inspect: (inspection) => {
        seen.push(inspection);
        return [
          {
            ruleId: 'some-security-rule',
            severity: 'warning',
            messageId: 'found',
            file: inspection.file,
            message: `found something in a file of ${inspection.loaded.policy.userCount} users (a key: ${ALICE})`,
            span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
          },
        ];
      },
    });
    writeFileSync(file, ALICE_WRITES);
    const reloaded = await store.reload();
    expect((await store.reload()).outcome).toBe('unchanged');
    await store.close();
    expect(seen.map((s) => [s.text, s.loaded.policy.userCount, s.fileFacts?.file.mode])).toEqual([
      [ALICE_READS, 1, 0o100644],
      [ALICE_WRITES, 2, 0o100644],
    ]);
    const warnings = records().filter((r) => r.rule === 'some-security-rule');
    expect(warnings.map((r) => [r.level, r.generation, r.security])).toEqual([
      [40, 1, true],
      [40, 2, true],
    ]);
    // Redacted like every other diagnostic: no key reaches the log or the event.
    expect(warnings[0].msg).toBe(
      `${file}:1:1 found something in a file of 1 users (a key: [redacted]) (some-security-rule)`,
    );
    expect(reloaded.diagnostics.map((d) => d.ruleId)).toEqual(['some-security-rule']);
    expect(JSON.stringify(records())).not.toContain(ALICE);
  });

  it('logs the first 100 findings one by one, then one line counting the rest by rule', async () => {
    writeFileSync(file, ALICE_READS, { mode: 0o600 });
    const { logger, records } = captureLogger();
    const finding = (i: number) => ({
      ruleId: i % 2 === 0 ? 'rule-a' : 'rule-b',
      severity: 'warning' as const,
      messageId: 'm',
      file,
      message: `finding ${i}`,
      span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
    });
    const store = await PolicyStore.open(file, {
      watch: false,
      logger,
      inspect: () => Array.from({ length: 250 }, (_, i) => finding(i)),
    });
    await store.close();
    expect(records().filter((r) => r.security === true && typeof r.rule === 'string')).toHaveLength(100);
    expect(records().find((r) => r.more === 150)).toMatchObject({
      level: 40,
      byRule: { 'rule-a': 75, 'rule-b': 75 },
      msg: expect.stringContaining('150 more security findings not logged one by one (rule-a: 75, rule-b: 75)'),
    });
  });

  it('logs an inspector that throws, and activates the policy all the same', async () => {
    writeFileSync(file, ALICE_READS, { mode: 0o600 });
    const { logger, records } = captureLogger();
    const store = await PolicyStore.open(file, {
      watch: false,
      logger,
      inspect: () => {
        throw new Error('boom');
      },
    });
    writeFileSync(file, ALICE_WRITES);
    expect((await store.reload()).outcome).toBe('reloaded');
    expect(store.current.check(BOB, 'account_query')).toBe(true);
    await store.close();
    expect(
      records().filter((r) => r.msg === 'the policy inspector threw; its findings are missing from the log'),
    ).toHaveLength(2);
  });
});
