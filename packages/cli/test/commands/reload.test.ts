import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startIpcServer } from '../helpers/ipc-server';
import { runCli } from '../helpers/run-cli';
import { replaceFile, runBinary, serveDataDir, startServe, type ServeChild } from '../helpers/serve-child';

jest.setTimeout(120_000);

const OPERATOR = 'operator-5d8e2b7a-4c1f-4e9b-a3d6-7f0c2e9b1a48';
const ADMIN = 'admin-2f6b9d3e-8a4c-4b1e-9d7f-3e5a0c8b6d12';
const ALICE = 'alice-8c1f5e2a-93d4-4b7e-a6f0-2d9c7b3e1a54';
const BOB = 'bob-4e7a2c9f-1b3d-4f8e-9a6c-5d2e8f1b7c30';

/** The operator may reload through node_control, the admin through unrestricted; alice and the default user may not. */
function accessWith(extra = ''): string {
  return [
    '[[user]]\nid = ""\nallow = "api_block_count"\n',
    `[[user]]\nid = "${OPERATOR}"\nallow = "node_control"\n`,
    `[[user]]\nid = "${ADMIN}"\nallow = "unrestricted"\n`,
    `[[user]]\nid = "${ALICE}"\nallow = "api_account_weight"\n`,
    extra,
  ].join('\n');
}

const hashLabel = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);

describe('nano-access reload (a real serve child process, over its unix socket)', () => {
  let data: ReturnType<typeof serveDataDir>;
  let server: ServeChild;

  beforeAll(async () => {
    data = serveDataDir();
    fs.writeFileSync(data.access, accessWith(), { mode: 0o600 });
    server = await startServe(data);
  });
  afterAll(async () => {
    await server.stop('SIGTERM');
    data.cleanup();
  });

  const requestRecords = (): number => server.records().filter((r) => r.trigger === 'request').length;
  /**
   * requestRecords() once the server's log has gone quiet. Its lines come through the batched
   * writer and a pipe, so the record of a reload answered a moment ago may still be on its way;
   * an outcome the same reload logs at debug ("unchanged") never comes, so no count can be
   * awaited. Quiet: stderr unchanged for 300 ms (at most 10 s of waiting).
   */
  const settledRequestRecords = async (): Promise<number> => {
    for (let waited = 0, length = -1; length !== server.stderr().length && waited < 10_000; waited += 300) {
      length = server.stderr().length;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return requestRecords();
  };

  it('applies a changed file: one line with the new generation and policy hash, exit 0 (the real binary)', async () => {
    replaceFile(data.access, accessWith(`[[user]]\nid = "${BOB}"\nallow = "api_account_weight"\n`));
    const run = await runBinary(['reload', '--path', data.socket, '--credentials', OPERATOR]);
    expect(run.code).toBe(0);
    // The watch may have applied the file first: then the reload finds it unchanged. Either way it is in force.
    expect(run.stdout).toMatch(/^(reloaded|unchanged): generation 2, policy [0-9a-f]{16}\n$/);
    expect(run.stdout).toContain(`policy ${hashLabel(data.access)}`);
    expect(await server.allowed(BOB)).toBe(true);
  });

  it('answers "unchanged" for the same content, keeping the generation; unrestricted implies the permission too', async () => {
    const run = await runCli(['reload', '--path', data.socket], { env: { NANO_API_KEY: ADMIN } });
    expect([run.code, run.stdout]).toEqual([0, `unchanged: generation 2, policy ${hashLabel(data.access)}\n`]);
  });

  it('reports a rejected file with file:line:col and the generation kept, exit 1; the old policy stays', async () => {
    const before = hashLabel(data.access);
    // An unknown permission, and a duplicate id (whose message must not quote the id).
    replaceFile(
      data.access,
      accessWith(`[[user]]\nid = "${BOB}"\nallow = "no_such_permission"\n\n[[user]]\nid = "${ALICE}"\n`),
    );
    const keyFile = path.join(data.dir, 'operator.key');
    fs.writeFileSync(keyFile, `${OPERATOR}\n`, { mode: 0o600 });
    const run = await runCli(['reload', '--path', data.socket, '--credentials-file', keyFile]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rejected: .*config-access\.toml:19:10: error: .*no_such_permission.*\[[a-z-]+\]/);
    expect(lines[0]).toMatch(new RegExp(`; kept generation 2, policy ${before}$`));
    expect(lines[0]).toMatch(/duplicate/i);
    for (const id of [OPERATOR, ADMIN, ALICE, BOB]) expect(run.stdout).not.toContain(id);
    expect(await server.allowed(BOB)).toBe(true);
    // Put the good file back for the next tests.
    replaceFile(data.access, accessWith(`[[user]]\nid = "${BOB}"\nallow = "api_account_weight"\n`));
    expect((await runCli(['reload', '--path', data.socket, '--credentials', OPERATOR])).code).toBe(0);
  });

  it('refuses a caller without api_access_reload with exit 3, and reads nothing for it', async () => {
    replaceFile(data.access, accessWith('# an edit the refused callers must not get applied\n'));
    const seen = await settledRequestRecords();
    const alice = await runCli(['reload', '--path', data.socket, '--credentials', ALICE]);
    expect([alice.code, alice.stdout]).toEqual([3, '']);
    expect(alice.stderr).toMatch(/the server refused the reload: Access denied \(NA_CLI_RELOAD_REFUSED\)/);
    const anonymous = await runCli(['reload'], { env: { NANO_IPC_PATH: data.socket } });
    expect(anonymous.code).toBe(3);
    const unknown = await runCli(['reload', '--path', data.socket, '--credentials', 'nobody-at-all']);
    expect(unknown.code).toBe(3);
    // No reload ran for them (a reload by request logs its outcome with trigger "request").
    expect(await settledRequestRecords()).toBe(seen);
    const operator = await runCli(['reload', '--path', data.socket, '--credentials', OPERATOR]);
    expect(operator.code).toBe(0);
    expect(operator.stdout).toContain(`policy ${hashLabel(data.access)}`);
  });

  it('exits 2 when the server cannot be reached or the options are wrong', async () => {
    const unreachable = await runCli(['reload', '--path', path.join(data.dir, 'nobody.sock')]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('NA_IPC_CONNECT_FAILED');
    const badPort = await runCli(['reload', '--host', '127.0.0.1', '--port', 'x']);
    expect([badPort.code, badPort.stderr]).toEqual([2, expect.stringMatching(/--port must be 1-65535/)]);
    const both = await runCli(['reload', '--credentials', 'a', '--credentials-file', 'b']);
    expect(both.code).toBe(2);
  });
});

describe('nano-access reload against a server that holds no reloadable access file', () => {
  it('reports the server error as NA_CLI_RELOAD_FAILED with its text and code, exit 2', async () => {
    const ipc = await startIpcServer(accessWith());
    try {
      const run = await runCli(['reload', '--path', ipc.socket, '--credentials', OPERATOR]);
      expect([run.code, run.stdout]).toEqual([2, '']);
      expect(run.stderr).toContain('NA_CLI_RELOAD_FAILED');
      expect(run.stderr).toContain(
        'the server did not reload: AccessReload is not available on this server (it holds no reloadable access file) (error 1)',
      );
    } finally {
      await ipc.close();
    }
  });
});
