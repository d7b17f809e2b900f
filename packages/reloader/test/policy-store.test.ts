import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyStore, PolicyStoreError } from '@nano-access/reloader';
import type { ReloadResult } from '@nano-access/reloader';
import { ALICE, ALICE_READS, ALICE_WRITES, BOB, captureLogger, sha256, storeFixture } from './helpers';

describe('PolicyStore (explicit reloads, no watch)', () => {
  const fixture = storeFixture({ watch: false });
  const { stores } = fixture;
  let dir: string;
  let file: string;
  beforeEach(() => ({ dir, file } = fixture));
  const open = fixture.open;

  it('loads the file at open as generation 1 with its content hash', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(store.current.check(ALICE, 'wallet_write')).toBe(false);
    expect(store.status()).toMatchObject({
      generation: 1,
      hash: sha256(ALICE_READS),
      fileMissing: false,
      lastFailure: null,
    });
  });

  it('activates a valid change on reload() and reports it in an event', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    const events: unknown[] = [];
    store.on('reloaded', (event) => events.push(event));
    writeFileSync(file, ALICE_WRITES);
    const result = await store.reload();
    expect(result).toMatchObject({ outcome: 'reloaded', generation: 2, hash: sha256(ALICE_WRITES) });
    expect(store.current.check(ALICE, 'wallet_write')).toBe(true);
    expect(store.current.check(BOB, 'account_query')).toBe(true);
    expect(events).toEqual([
      expect.objectContaining({
        generation: 2,
        hash: sha256(ALICE_WRITES),
        previousHash: sha256(ALICE_READS),
        users: 2,
        trigger: 'manual',
      }),
    ]);
  });

  it('keeps the old policy when the new file is not valid TOML, and logs file:line:col and rule', async () => {
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open({ logger });
    const rejected: unknown[] = [];
    store.on('rejected', (event) => rejected.push(event));
    const broken = `[[user]]\nid = "${ALICE}"\nallow = "wallet_read, wallet_write\n`;
    writeFileSync(file, broken);
    const result = await store.reload();
    expect(result.outcome).toBe('rejected');
    expect(result.hash).toBe(sha256(broken));
    expect(result.diagnostics.some((d) => d.ruleId === 'toml-syntax' && d.severity === 'error')).toBe(true);
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(store.current.check(ALICE, 'wallet_write')).toBe(false);
    expect(store.status()).toMatchObject({
      generation: 1,
      hash: sha256(ALICE_READS),
      lastReloadSuccessful: false,
      reloads: { success: 0, failure: 1 },
    });
    expect(store.status().lastFailure?.hash).toBe(sha256(broken));
    expect(rejected).toEqual([expect.objectContaining({ generation: 1, hash: sha256(broken), trigger: 'manual' })]);
    const lines = records();
    const diagnosticLine = lines.find((line) => line.rule === 'toml-syntax');
    expect(diagnosticLine).toMatchObject({ level: 50, at: expect.stringMatching(/config-access\.toml:3:\d+$/) });
    expect(
      lines.some(
        (line) => line.code === 'NA_RELOAD_POLICY_INVALID' && String(line.msg).includes('keeping generation 1'),
      ),
    ).toBe(true);
  });

  it('keeps the old policy when the new file names an unknown permission', async () => {
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open({ logger });
    writeFileSync(file, `[[user]]\nid = "${ALICE}"\nallow = "wallet_read"\ndeny = "walet_write"\n`);
    const result = await store.reload();
    expect(result.outcome).toBe('rejected');
    const unknown = result.diagnostics.find((d) => d.ruleId === 'unknown-permission');
    expect(unknown).toMatchObject({ severity: 'error', span: { start: { line: 4 } } });
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(store.status().generation).toBe(1);
    expect(records().find((line) => line.rule === 'unknown-permission')).toMatchObject({
      at: expect.stringMatching(/:4:\d+$/),
      level: 50,
    });
    expect(store.metrics()).toContain('nano_access_reloads_total{result="failure"} 1');
    expect(store.metrics()).toContain('nano_access_last_reload_successful 0');
  });

  it('completes a reload even when an event listener throws, and logs the listener error', async () => {
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open({ logger });
    let onceCalls = 0;
    store.on('reloaded', () => {
      throw new Error('listener bug');
    });
    store.once('reloaded', () => (onceCalls += 1));
    writeFileSync(file, ALICE_WRITES);
    expect(await store.reload()).toMatchObject({ outcome: 'reloaded', generation: 2 });
    writeFileSync(file, ALICE_READS);
    expect(await store.reload()).toMatchObject({ outcome: 'reloaded', generation: 3 });
    expect(onceCalls).toBe(1);
    expect(store.status().reloads).toEqual({ success: 2, failure: 0 });
    expect(records().filter((line) => line.msg === 'a PolicyStore event listener threw')).toHaveLength(2);
  });

  it('reports the same rejected content once to the watch, but again to an explicit reload', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    writeFileSync(file, '[[user]]\nallow = "walet"\n');
    expect((await store.reload('watch')).outcome).toBe('rejected');
    expect((await store.reload('watch')).outcome).toBe('rejected');
    expect(store.status().reloads.failure).toBe(1);
    expect((await store.reload('signal')).outcome).toBe('rejected');
    expect(store.status().reloads.failure).toBe(2);
  });

  it('does not create a generation when the content is unchanged', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    writeFileSync(file, ALICE_READS);
    const result = await store.reload();
    expect(result).toMatchObject({ outcome: 'unchanged', generation: 1, hash: sha256(ALICE_READS) });
    expect(store.status().reloads).toEqual({ success: 0, failure: 0 });
  });

  it('counts the file as healthy again when it is reverted to the active content after a rejection', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    writeFileSync(file, 'not toml at all [');
    expect((await store.reload()).outcome).toBe('rejected');
    writeFileSync(file, ALICE_READS);
    expect((await store.reload()).outcome).toBe('unchanged');
    expect(store.status().lastReloadSuccessful).toBe(true);
    expect(store.metrics()).toContain('nano_access_last_reload_successful 1');
  });

  it('starts with the default user alone when the file is missing, and loads it when it appears', async () => {
    const { logger, records } = captureLogger();
    const store = await open({ logger });
    expect(store.status()).toMatchObject({
      generation: 1,
      hash: null,
      fileMissing: true,
      users: store.current.userCount,
    });
    expect(store.current.check(undefined, 'api_account_weight')).toBe(true);
    expect(store.current.check(ALICE, 'api_account_weight')).toBe(false);
    expect(records().some((line) => line.level === 40 && String(line.msg).includes('not found'))).toBe(true);
    writeFileSync(file, ALICE_READS);
    expect(await store.reload()).toMatchObject({ outcome: 'reloaded', generation: 2 });
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(store.status().fileMissing).toBe(false);
  });

  it("logs NA_RELOAD_WATCH_FAILED when the file's directory does not exist, and still loads it on reload()", async () => {
    const { logger, records } = captureLogger();
    const nested = join(dir, 'not-yet', 'config-access.toml');
    const store = await PolicyStore.open(nested, { logger });
    stores.push(store);
    expect(store.status()).toMatchObject({ watching: false, fileMissing: true });
    expect(records().some((line) => line.code === 'NA_RELOAD_WATCH_FAILED' && line.level === 50)).toBe(true);
    mkdirSync(join(dir, 'not-yet'));
    writeFileSync(nested, ALICE_READS);
    expect(await store.reload()).toMatchObject({ outcome: 'reloaded', generation: 2 });
  });

  it('keeps the old policy and warns when the file is deleted', async () => {
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open({ logger });
    unlinkSync(file);
    const result = await store.reload();
    expect(result).toMatchObject({ outcome: 'missing', generation: 1 });
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(store.status()).toMatchObject({ fileMissing: true, hash: sha256(ALICE_READS), lastReloadSuccessful: true });
    expect(records().some((line) => line.level === 40 && String(line.msg).includes('missing'))).toBe(true);
  });

  it('rejects open() with NA_RELOAD_POLICY_INVALID and every error diagnostic when the file has errors', async () => {
    writeFileSync(file, `[[user]]\nid = "${ALICE}"\nallow = "walet_read"\nroles = "nobody"\n`);
    const failure = await PolicyStore.open(file, { watch: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PolicyStoreError);
    const error = failure as PolicyStoreError;
    expect(error.code).toBe('NA_RELOAD_POLICY_INVALID');
    expect(error.diagnostics.map((d) => d.ruleId)).toEqual(
      expect.arrayContaining(['unknown-permission', 'unknown-role']),
    );
    expect(error.message).toMatch(/config-access\.toml:3:\d+: error: .*\[unknown-permission\]/);
  });

  it('rejects open() with NA_RELOAD_NOT_A_FILE when the path is a directory', async () => {
    const failure = await PolicyStore.open(dir, { watch: false }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'NA_RELOAD_NOT_A_FILE',
      message: expect.stringContaining('a directory, not a regular file'),
    });
  });

  it('rejects open() of a file that is not UTF-8 with NA_RELOAD_NOT_UTF8 and the line and column of the bad byte', async () => {
    writeFileSync(file, Buffer.concat([Buffer.from('[[user]]\nid = "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    const failure = await PolicyStore.open(file, { watch: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PolicyStoreError);
    const error = failure as PolicyStoreError;
    expect(error.code).toBe('NA_RELOAD_NOT_UTF8');
    expect(error.diagnostics).toEqual([
      expect.objectContaining({
        ruleId: 'toml-syntax',
        messageId: 'invalidUtf8',
        span: expect.objectContaining({ start: { line: 2, column: 10, offset: 18 } }),
      }),
    ]);
  });

  it('rejects a reload of a file that is not UTF-8 without touching the active policy', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    writeFileSync(file, Buffer.from([0x5b, 0x5b, 0x75, 0xff, 0xfe, 0x5d, 0x5d]));
    const result = await store.reload();
    expect(result.outcome).toBe('rejected');
    expect(store.status().lastFailure?.error?.code).toBe('NA_RELOAD_NOT_UTF8');
    expect(result.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column}`)).toEqual(['1:4']);
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
  });

  it('serialises concurrent reload() calls: calls during a reload share exactly one more run', async () => {
    writeFileSync(file, ALICE_READS);
    const { logger, records } = captureLogger();
    const store = await open({ logger });
    writeFileSync(file, ALICE_WRITES);
    const first = store.reload();
    const during = Array.from({ length: 20 }, () => store.reload());
    expect(new Set(during).size).toBe(1);
    expect(during[0]).not.toBe(first);
    const results: ReloadResult[] = await Promise.all([first, ...during]);
    expect(results[0]).toMatchObject({ outcome: 'reloaded', generation: 2 });
    expect(results[1]).toMatchObject({ outcome: 'unchanged', generation: 2 });
    const runs = records().filter(
      (line) => line.msg === 'access policy reloaded' || line.msg === 'access file unchanged',
    );
    expect(runs).toHaveLength(2);
  });

  it('serialises a change made during a reload: the extra run activates the newest content', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    writeFileSync(file, ALICE_WRITES);
    const first = store.reload();
    const newest = `${ALICE_WRITES}\n[[role]]\nid = "auditor"\nallow = "account_query"\n\n[[user]]\nid = "carol-5b0e2f9d8c7a6e14"\nroles = "auditor"\n`;
    await new Promise((resolve) => setImmediate(resolve));
    writeFileSync(file, newest);
    const second = store.reload();
    await Promise.all([first, second]);
    expect(store.status().hash).toBe(sha256(newest));
    expect(store.current.check('carol-5b0e2f9d8c7a6e14', 'account_query')).toBe(true);
  });

  it('gives a reader that holds a policy only old or only new decisions while reloads swap it', async () => {
    const before = `[[user]]\nid = "${ALICE}"\nallow = "wallet_read, wallet_write"\n`;
    const after = `[[user]]\nid = "${ALICE}"\nallow = "account_query, epoch_upgrade"\n`;
    writeFileSync(file, before);
    const store = await open();
    const permissions = ['wallet_read', 'wallet_write', 'account_query', 'epoch_upgrade'];
    const oldDecisions = [true, true, false, false].join();
    const newDecisions = [false, false, true, true].join();
    let stop = false;
    let requestsSpanningASwap = 0;
    const seen: string[] = [];
    const reader = async (): Promise<void> => {
      while (!stop) {
        const policy = store.current; // one read per request, as a server does
        const generation = store.generation;
        const decisions: boolean[] = [];
        for (const permission of permissions) {
          decisions.push(policy.check(ALICE, permission));
          await new Promise((resolve) => setImmediate(resolve)); // let reloads land mid-request
        }
        if (store.generation !== generation) requestsSpanningASwap += 1;
        seen.push(decisions.join());
      }
    };
    const readers = [reader(), reader(), reader()];
    for (let i = 0; i < 30; i += 1) {
      writeFileSync(file, i % 2 === 0 ? after : before);
      await store.reload();
    }
    stop = true;
    await Promise.all(readers);
    expect(store.generation).toBe(31);
    expect(requestsSpanningASwap).toBeGreaterThan(0);
    expect(seen.filter((decision) => decision !== oldDecisions && decision !== newDecisions)).toEqual([]);
    expect(new Set(seen)).toEqual(new Set([oldDecisions, newDecisions]));
  });

  it('exposes the five metrics in the Prometheus text format', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    writeFileSync(file, ALICE_WRITES);
    await store.reload();
    const text = store.metrics();
    expect(text).toContain('# TYPE nano_access_reloads_total counter');
    expect(text).toContain('nano_access_reloads_total{result="success"} 1');
    expect(text).toContain('nano_access_reloads_total{result="failure"} 0');
    expect(text).toContain('nano_access_last_reload_successful 1');
    expect(text).toContain('nano_access_policy_generation 2');
    expect(text).toContain('nano_access_policy_users 2');
    const timestamp = Number(/^nano_access_last_reload_success_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
    expect(Math.abs(timestamp - store.status().lastSuccess.getTime() / 1000)).toBeLessThan(0.01);
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]);
    expect(names).toEqual([
      'nano_access_reloads_total',
      'nano_access_last_reload_successful',
      'nano_access_last_reload_success_timestamp_seconds',
      'nano_access_policy_generation',
      'nano_access_policy_users',
      'nano_access_policy_info',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it("labels nano_access_policy_info with the first 16 hex digits of the active file's sha256, as sha256sum prints it", async () => {
    const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
    writeFileSync(file, ALICE_READS);
    const store = await open();
    expect(store.metrics()).toContain(`nano_access_policy_info{hash="${sha(ALICE_READS)}"} 1\n`);
    writeFileSync(file, ALICE_WRITES);
    await store.reload();
    expect(store.metrics()).toContain(`nano_access_policy_info{hash="${sha(ALICE_WRITES)}"} 1\n`);
    expect(store.metrics().match(/^nano_access_policy_info\{/gm)).toHaveLength(1);
    // A rejected file changes nothing: the label stays the active policy's.
    writeFileSync(file, '[[user]]\nroles = "nope"\n');
    await store.reload();
    expect(store.metrics()).toContain(`nano_access_policy_info{hash="${sha(ALICE_WRITES)}"} 1\n`);
  });

  it('takes over SIGHUP only when asked, and gives it back on dispose and on close', async () => {
    writeFileSync(file, ALICE_READS);
    const before = process.listenerCount('SIGHUP');
    const store = await open();
    expect(process.listenerCount('SIGHUP')).toBe(before);
    const dispose = store.installSignalHandlers();
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    dispose();
    expect(process.listenerCount('SIGHUP')).toBe(before);
    store.installSignalHandlers(['SIGHUP', 'SIGUSR2']);
    expect(process.listenerCount('SIGUSR2')).toBeGreaterThan(0);
    await store.close();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });

  it('closes: reload() reports closed and the last policy stays readable', async () => {
    writeFileSync(file, ALICE_READS);
    const store = await open();
    await store.close();
    expect((await store.reload()).outcome).toBe('closed');
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(() => store.installSignalHandlers()).toThrow(expect.objectContaining({ code: 'NA_RELOAD_STORE_CLOSED' }));
  });
});

describe('PolicyStore without a file', () => {
  it('builds a store from text and applies new text as one transaction', () => {
    const store = PolicyStore.fromText(ALICE_READS);
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(store.applyText('[[user]]\nallow = "walet"\n').outcome).toBe('rejected');
    expect(store.current.check(ALICE, 'wallet_read')).toBe(true);
    expect(store.applyText(ALICE_WRITES)).toMatchObject({ outcome: 'reloaded', generation: 2 });
    expect(store.current.check(BOB, 'account_query')).toBe(true);
  });

  it('throws NA_RELOAD_POLICY_INVALID from fromText() on a file with errors', () => {
    expect(() => PolicyStore.fromText('[[role]]\ndeny = "wallet"\n')).toThrow(
      expect.objectContaining({ code: 'NA_RELOAD_POLICY_INVALID' }),
    );
  });

  it('wraps a fixed policy, whose reload() changes nothing', async () => {
    const policy = PolicyStore.fromText(ALICE_READS).current;
    const store = PolicyStore.fromPolicy(policy);
    expect(store.current).toBe(policy);
    expect((await store.reload()).outcome).toBe('unchanged');
    expect(store.status()).toMatchObject({ file: null, generation: 1 });
  });
});
