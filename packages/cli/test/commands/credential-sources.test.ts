import { writeFileSync } from 'node:fs';
import { runCli, tempDir } from '../helpers/run-cli';

// Issue 20, item 7: credentials for check and explain from a file or NANO_API_KEY, not only the command line (visible in ps).
const KEY = 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57';
const policy = `[[user]]\nallow = "account_query"\n\n[[user]]\nid = "${KEY}"\nallow = "wallet_read"\n`;

describe('credentials for check and explain', () => {
  const files = tempDir({
    'config-access.toml': policy,
    key: `${KEY}\n`,
    'key-crlf': `${KEY}\r\n`,
    'key-bare': KEY,
    empty: '',
    'newline-only': '\n',
    'not-utf8': '',
  });
  writeFileSync(files.path('not-utf8'), Buffer.from([0x6b, 0xff, 0x0a]));
  writeFileSync(files.path('huge'), Buffer.alloc(70 * 1024, 0x61));
  afterAll(() => files.cleanup());
  const check = (args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) =>
    runCli(['check', '-c', 'config-access.toml', '-p', 'wallet_read', ...args], { cwd: files.dir, ...options });

  it.each(['key', 'key-crlf', 'key-bare'])(
    'reads --user-file %s (one final line break is not part of the key)',
    async (name) => {
      const run = await check(['--user-file', name]);
      expect([run.code, run.stdout, run.stderr]).toEqual([0, 'allowed: wallet_read for user #2 (…bc57)\n', '']);
    },
  );

  it('reads --user-file - from standard input', async () => {
    const run = await check(['--user-file', '-'], { stdin: `${KEY}\n` });
    expect(run.stdout).toBe('allowed: wallet_read for user #2 (…bc57)\n');
  });

  it('reads NANO_API_KEY when neither --user nor --user-file is given; --user and --user-file win over it', async () => {
    expect((await check([], { env: { NANO_API_KEY: KEY } })).stdout).toBe('allowed: wallet_read for user #2 (…bc57)\n');
    const explicit = await check(['--user', ''], { env: { NANO_API_KEY: KEY } });
    expect([explicit.code, explicit.stdout]).toEqual([
      1,
      'denied: wallet_read for the default user (no credentials)\n',
    ]);
    expect((await check(['--user-file', 'key'], { env: { NANO_API_KEY: 'someone-else-entirely-0000' } })).code).toBe(0);
    // Empty counts as unset: the default user.
    expect((await check([], { env: { NANO_API_KEY: '' } })).stdout).toBe(
      'denied: wallet_read for the default user (no credentials)\n',
    );
  });

  it('explain takes them the same ways', async () => {
    const fromFile = await runCli(['explain', '-c', 'config-access.toml', '--user-file', 'key'], { cwd: files.dir });
    expect(fromFile.stdout).toMatch(/^user: user #2 \(…bc57\)\n/);
    const fromEnv = await runCli(['explain', '-c', 'config-access.toml'], {
      cwd: files.dir,
      env: { NANO_API_KEY: KEY },
    });
    expect(fromEnv.stdout).toMatch(/^user: user #2 \(…bc57\)\n/);
  });

  it('refuses --user with --user-file (exit 2)', async () => {
    const run = await check(['--user', KEY, '--user-file', 'key']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be used with/);
  });

  it.each([
    ['empty', 'empty'],
    ['newline-only', 'empty'],
    ['not-utf8', 'not UTF-8'],
    ['huge', 'more than 65536 bytes'],
  ])(
    'refuses a credentials file that is not a key (%s), exit 2, without printing its content',
    async (name, reason) => {
      const run = await check(['--user-file', name]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`--user-file ${name}: ${reason}`);
      expect(run.stderr).toContain('(NA_CLI_CREDENTIALS_INVALID)');
      expect(run.stderr).not.toContain('aaaa');
    },
  );

  it('reports a missing credentials file, exit 2', async () => {
    const run = await check(['--user-file', 'missing']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read --user-file missing: ENOENT (NA_CLI_FILE_UNREADABLE)');
  });
});
