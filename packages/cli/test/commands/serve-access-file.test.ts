import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceFile, runBinary, serveDataDir, startServe, waitFor, type ServeChild } from '../helpers/serve-child';

jest.setTimeout(120_000);

const ALICE = 'alice-8c1f5e2a-93d4-4b7e-a6f0-2d9c7b3e1a54';
const BOB = 'bob-4e7a2c9f-1b3d-4f8e-9a6c-5d2e8f1b7c30';
const CAROL = 'carol-7b2d9e4f-6a1c-4e3b-8f5d-0c9a2e7b4d61';
const isRoot = process.getuid?.() === 0;

/** An access file in which each of `users` may call AccountWeight (and nobody else may). */
function accessFor(...users: string[]): string {
  return [
    '[[user]]\nid = ""\nallow = "api_block_count"\n',
    ...users.map((id) => `[[user]]\nid = "${id}"\nallow = "api_account_weight"\n`),
  ].join('\n');
}

describe('serve: how the access file is read and reloaded (the real binary)', () => {
  const cleanups: Array<() => void | Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(data: ReturnType<typeof serveDataDir>): Promise<ServeChild> {
    const child = await startServe(data);
    cleanups.push(() => {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    });
    return child;
  }

  it('does not wedge on a FIFO: after the file is replaced by one and SIGHUP, a good file is applied, and SIGTERM ends the process', async () => {
    const data = serveDataDir();
    cleanups.push(data.cleanup);
    fs.writeFileSync(data.access, accessFor(ALICE), { mode: 0o600 });
    const server = await serve(data);
    expect(await server.allowed(ALICE)).toBe(true);

    // A FIFO takes the file's place (renamed over it): the watch sees it, and so does SIGHUP.
    execFileSync('mkfifo', [path.join(data.dir, 'fifo')]);
    fs.renameSync(path.join(data.dir, 'fifo'), data.access);
    server.process.kill('SIGHUP');
    await waitFor(
      () => server.records().some((r) => r.code === 'NA_RELOAD_NOT_A_FILE' && r.trigger === 'signal'),
      'the FIFO to be refused on SIGHUP',
    );
    expect(await server.allowed(ALICE)).toBe(true); // the last good policy stays

    // A revocation after that still takes effect: nothing is stuck reading the FIFO.
    replaceFile(data.access, accessFor(BOB));
    await waitFor(() => server.allowed(BOB), 'the good file to be applied');
    expect(await server.allowed(ALICE)).toBe(false);

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stdout()).toContain('stopped');
  });

  it('logs the security findings lint reports, at warn with their rule, at start and on every reload', async () => {
    const data = serveDataDir();
    cleanups.push(data.cleanup);
    // Readable by others, and one weak key.
    fs.writeFileSync(data.access, `${accessFor(ALICE)}\n[[user]]\nid = "letmein"\nallow = "api_block_count"\n`);
    fs.chmodSync(data.access, 0o644);
    const server = await serve(data);
    // The log is written asynchronously (lines gathered for up to 10 ms): wait for the findings.
    const findings = (): Array<Record<string, unknown>> =>
      server.records().filter((r) => r.level === 40 && typeof r.rule === 'string');
    await waitFor(() => findings().length >= 2, 'the findings at start');
    const atStart = findings();
    expect(atStart.map((r) => [r.rule, r.generation]).sort()).toEqual([
      ['file-mode', 1],
      ['weak-credential', 1],
    ]);

    // A reload that opens everything to anyone without credentials.
    replaceFile(
      data.access,
      `[[user]]\nid = ""\nallow = "unrestricted"\n\n[[user]]\nid = "${ALICE}"\nallow = "api_account_weight"\n`,
      0o600,
    );
    await waitFor(
      () => server.records().some((r) => r.rule === 'unrestricted-default'),
      'the unrestricted-default warning',
    );
    const onReload = server.records().filter((r) => r.generation === 2 && typeof r.rule === 'string');
    expect(onReload).toEqual([
      expect.objectContaining({
        level: 40,
        rule: 'unrestricted-default',
        security: true,
        msg: expect.stringContaining('(unrestricted-default)'),
      }),
    ]);
    // Never a key in the log, the weak one included.
    expect(server.stderr()).not.toContain(ALICE);
    expect(server.stderr()).not.toContain('letmein');
    expect(await server.stop()).toBe(0);
  });

  it('refuses at start an access file or data directory writable by group or others (exit 2), and serves it with allow_insecure_permissions', async () => {
    const data = serveDataDir();
    cleanups.push(data.cleanup);
    fs.writeFileSync(data.access, accessFor(ALICE));
    fs.chmodSync(data.access, 0o666);
    const refused = await runBinary(['serve', '--data', data.dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is writable by group and others (mode 0666)');
    expect(refused.stderr).toContain('(NA_RELOAD_FILE_UNSAFE)');
    expect(fs.existsSync(data.socket)).toBe(false);

    fs.chmodSync(data.access, 0o600);
    fs.chmodSync(data.dir, 0o777);
    const openDirectory = await runBinary(['serve', '--data', data.dir]);
    expect(openDirectory.code).toBe(2);
    expect(openDirectory.stderr).toContain(`the directory ${data.dir} is writable by group and others (mode 0777)`);
    fs.chmodSync(data.dir, 0o700);

    fs.chmodSync(data.access, 0o666);
    fs.appendFileSync(
      path.join(data.dir, 'config-node.toml'),
      '\n[access_policy]\nallow_insecure_permissions = true\n',
    );
    const server = await serve(data);
    expect(await server.allowed(ALICE)).toBe(true);
    await waitFor(
      () =>
        server.records().some((r) => r.code === 'NA_RELOAD_FILE_UNSAFE') &&
        server.records().some((r) => r.rule === 'file-mode'),
      'the warnings at start',
    );
    expect(server.records().find((r) => r.code === 'NA_RELOAD_FILE_UNSAFE')).toMatchObject({ level: 40 });
    expect(server.records().find((r) => r.rule === 'file-mode')).toMatchObject({ level: 40, messageId: 'writable' });
    expect(await server.stop()).toBe(0);
  });

  it('takes the size limit from [access_policy] of config-node.toml, naming it when the file is over it', async () => {
    const data = serveDataDir('\n[access_policy]\nmax_file_bytes = 64\n');
    cleanups.push(data.cleanup);
    fs.writeFileSync(data.access, accessFor(ALICE), { mode: 0o600 });
    // config-rpc.toml's table is the standalone gateway's: serve says it ignores it.
    fs.writeFileSync(path.join(data.dir, 'config-rpc.toml'), 'port = 0\n[access_policy]\nmax_file_bytes = 1000000\n');
    const refused = await runBinary(['serve', '--data', data.dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `the access file is ${Buffer.byteLength(accessFor(ALICE))} bytes, over the limit of 64 bytes (max_file_bytes)`,
    );
    expect(refused.stderr).toContain('(NA_RELOAD_FILE_TOO_LARGE)');

    fs.writeFileSync(
      path.join(data.dir, 'config-node.toml'),
      fs
        .readFileSync(path.join(data.dir, 'config-node.toml'), 'utf8')
        .replace('max_file_bytes = 64', 'max_file_bytes = 4096'),
    );
    const server = await serve(data);
    expect(await server.allowed(ALICE)).toBe(true);
    const ignored = (): Record<string, unknown> | undefined =>
      server
        .records()
        .find((r) => typeof r.msg === 'string' && r.msg.startsWith('[access_policy] of config-rpc.toml applies to'));
    await waitFor(() => ignored() !== undefined, 'the warning that config-rpc.toml [access_policy] is ignored');
    expect(ignored()).toMatchObject({ level: 40 });
    expect(await server.stop()).toBe(0);
  });

  (isRoot ? it : it.skip)(
    'refuses at start an access file owned by another user (not root, not us) (needs root to chown)',
    async () => {
      const data = serveDataDir();
      cleanups.push(data.cleanup);
      fs.writeFileSync(data.access, accessFor(ALICE), { mode: 0o600 });
      fs.chownSync(data.access, 4242, 4242);
      const refused = await runBinary(['serve', '--data', data.dir]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('is owned by uid 4242');
      expect(refused.stderr).toContain('(NA_RELOAD_FILE_UNSAFE)');
    },
  );

  it('refuses on reload a file made writable, keeping the last good policy, and applies it once fixed', async () => {
    const data = serveDataDir();
    cleanups.push(data.cleanup);
    fs.writeFileSync(data.access, accessFor(ALICE), { mode: 0o600 });
    const server = await serve(data);
    // Someone grants BOB access through a world-writable file.
    replaceFile(data.access, accessFor(ALICE, BOB), 0o666);
    await waitFor(() => server.records().some((r) => r.code === 'NA_RELOAD_FILE_UNSAFE'), 'the refusal on reload');
    server.process.kill('SIGHUP');
    await waitFor(
      () => server.records().some((r) => r.code === 'NA_RELOAD_FILE_UNSAFE' && r.trigger === 'signal'),
      'the refusal on SIGHUP',
    );
    expect(server.records().find((r) => r.code === 'NA_RELOAD_FILE_UNSAFE')).toMatchObject({
      level: 50,
      msg: expect.stringContaining('keeping generation 1'),
    });
    expect(await server.allowed(BOB)).toBe(false);
    expect(await server.allowed(ALICE)).toBe(true);
    fs.chmodSync(data.access, 0o600);
    await waitFor(() => server.allowed(BOB), 'the file to be applied once it is 0600');
    expect(await server.stop()).toBe(0);
  });

  it('follows a symlinked access file after it is re-pointed: a key removed later from the new target stops working, without SIGHUP', async () => {
    const data = serveDataDir();
    cleanups.push(data.cleanup);
    const release = (n: number): string => path.join(data.dir, 'releases', String(n), 'config-access.toml');
    for (const n of [1, 2]) fs.mkdirSync(path.dirname(release(n)), { recursive: true, mode: 0o755 });
    fs.writeFileSync(release(1), accessFor(ALICE, BOB), { mode: 0o600 });
    fs.writeFileSync(release(2), accessFor(ALICE, BOB, CAROL), { mode: 0o600 });
    fs.symlinkSync(path.join('releases', '1', 'config-access.toml'), data.access);
    const server = await serve(data);
    expect(await server.allowed(CAROL)).toBe(false);

    // Deploy release 2 by re-pointing the link (an atomic rename of a new link over it).
    fs.symlinkSync(path.join('releases', '2', 'config-access.toml'), path.join(data.dir, 'link.new'));
    fs.renameSync(path.join(data.dir, 'link.new'), data.access);
    await waitFor(() => server.allowed(CAROL), 'release 2 to be applied');

    // Then BOB's key is removed from release 2's file, by rename, with no signal.
    replaceFile(release(2), accessFor(ALICE, CAROL));
    await waitFor(async () => !(await server.allowed(BOB)), "BOB's key to stop working");
    expect(await server.allowed(CAROL)).toBe(true);
    expect(server.records().some((r) => r.trigger === 'signal')).toBe(false);
    expect(await server.stop()).toBe(0);
  });
});
