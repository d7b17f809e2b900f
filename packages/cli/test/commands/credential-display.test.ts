import { runCli, tempDir } from '../helpers/run-cli';

// Issue 20, items 7 and 19: what the CLI prints from an access file.
const KEY = 'k3y-5d1e8f2a6b3c4d7e9f0a1b2c3d4e5f6a';
const OTHER = 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57';
const SECRET_PART = '5d1e8f2a6b3c4d7e9f0a1b2c3d4e';

// A key pasted into roles and into allow: a server refuses the file, and says why without the key.
const pasted = `[[role]]
id = "reader"
allow = "wallet_read"

[[user]]
id = "${KEY}"
roles = "reader, ${KEY}"

[[user]]
id = "${OTHER}"
allow = ["wallet_read", "${KEY}"]
`;

// A role id that retitles the terminal, clears it and forges a line; a user id ending in ESC [2J.
const FORGING_ROLE = 'r\\u001b]0;owned\\u0007\\u001b[2J\\nFORGED: api_wallet_create: allowed';
const ESC_USER = 'Zq8vN2xK7mB4rT9wL3pH\\u001b[2J';
const hostile = `[[role]]
id = "${FORGING_ROLE}"
allow = "wallet_read"

[[user]]
id = "${ESC_USER}"
roles = "${FORGING_ROLE}"
`;
const hostileBroken = `${hostile}allow = "walet_read"\nroles = "${FORGING_ROLE}x"\n`.replace(
  `roles = "${FORGING_ROLE}"\n`,
  '',
);

/** C0 controls but the line feed, DEL and C1: what a terminal would obey. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('user ids in what the CLI prints (masked unless --show-ids)', () => {
  const files = tempDir({
    'pasted.toml': pasted,
    'config-access.toml': `[[user]]\nid = "${KEY}"\nallow = "wallet_read"\n`,
  });
  afterAll(() => files.cleanup());

  it.each(['stylish', 'json', 'compact', 'sarif', 'github'])(
    'lint --format %s names the pasted key by its user, never prints it',
    async (format) => {
      const run = await runCli(['lint', 'pasted.toml', '--format', format], { cwd: files.dir });
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).not.toContain(SECRET_PART);
      expect(run.stdout).toContain('the id of user #1 (…5f6a)');
    },
  );

  it('lint --show-ids prints the key where a message quotes it', async () => {
    const run = await runCli(['lint', 'pasted.toml', '--format', 'compact', '--show-ids'], { cwd: files.dir });
    expect(run.stdout).toContain(`Unknown role "${KEY}"`);
    expect(run.stdout).toContain(`Unknown permission "${KEY}"`);
  });

  it.each([
    ['check', ['check', '-c', 'pasted.toml', '-p', 'wallet_read']],
    ['explain', ['explain', '-c', 'pasted.toml']],
    ['matrix', ['matrix', '-c', 'pasted.toml']],
  ])('%s masks the key in the diagnostics of a file it refuses, and prints it with --show-ids', async (_, argv) => {
    const run = await runCli(argv, { cwd: files.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown role [the id of user #1 (…5f6a)]');
    expect(run.stderr).not.toContain(SECRET_PART);
    const shown = await runCli([...argv, '--show-ids'], { cwd: files.dir });
    expect(shown.stderr).toContain(`Unknown role "${KEY}"`);
  });

  it('check, explain and matrix name the user by position and masked id, and in full with --show-ids', async () => {
    const check = await runCli(['check', '-c', 'config-access.toml', '-u', KEY, '-p', 'wallet_read'], {
      cwd: files.dir,
    });
    expect(check.stdout).toBe('allowed: wallet_read for user #1 (…5f6a)\n');
    const checkShown = await runCli(
      ['check', '-c', 'config-access.toml', '-u', KEY, '-p', 'wallet_read', '--show-ids'],
      { cwd: files.dir },
    );
    expect(checkShown.stdout).toBe(`allowed: wallet_read for user #1 (${KEY})\n`);
    const explain = await runCli(['explain', '-c', 'config-access.toml', '-u', KEY, '--json', '--show-ids'], {
      cwd: files.dir,
    });
    expect(JSON.parse(explain.stdout).user).toEqual({ id: KEY, kind: 'user' });
    const matrix = await runCli(['matrix', '-c', 'config-access.toml'], { cwd: files.dir });
    expect(matrix.stdout).toContain('#1: user #1 (…5f6a)');
    expect(matrix.stdout).not.toContain(SECRET_PART);
    const matrixShown = await runCli(['matrix', '-c', 'config-access.toml', '--show-ids', '--format', 'json'], {
      cwd: files.dir,
    });
    expect(JSON.parse(matrixShown.stdout).users[1]).toMatchObject({
      label: '#1',
      id: KEY,
      description: `user #1 (${KEY})`,
    });
  });
});

describe('control characters from the access file (escaped in every output)', () => {
  const files = tempDir({ 'config-access.toml': hostile, 'broken.toml': hostileBroken });
  afterAll(() => files.cleanup());
  const user = 'Zq8vN2xK7mB4rT9wL3pH\u001b[2J';

  it('explain prints no forged line: the role id is escaped', async () => {
    const run = await runCli(['explain', '-c', 'config-access.toml', '-u', user, '-p', 'wallet_read'], {
      cwd: files.dir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('FORGED'))).toEqual([]);
    expect(run.stdout).toContain(
      'granted by role r\\u001b]0;owned\\u0007\\u001b[2J\\u000aFORGED: api_wallet_create: allowed',
    );
    expect(run.stdout).toContain('user: user #1 (…\\u001b[2J)');
  });

  it('explain --json and check escape them too', async () => {
    const json = await runCli(['explain', '-c', 'config-access.toml', '-u', user, '-p', 'wallet_read', '--json'], {
      cwd: files.dir,
    });
    expect(json.stdout.replace(/\n */g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const check = await runCli(['check', '-c', 'config-access.toml', '-u', user, '-p', 'wallet_read'], {
      cwd: files.dir,
    });
    expect(check.stdout).toBe('allowed: wallet_read for user #1 (…\\u001b[2J)\n');
  });

  it.each(['text', 'csv', 'json', 'html'])('matrix --format %s escapes them', async (format) => {
    const run = await runCli(['matrix', '-c', 'config-access.toml', '--format', format], { cwd: files.dir });
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\r\n/g, '\n')).not.toMatch(RAW_CONTROL); // CSV lines end in CRLF
  });

  it.each(['stylish', 'compact', 'github', 'json', 'sarif'])(
    'lint --format %s escapes them in messages',
    async (format) => {
      const run = await runCli(['lint', 'broken.toml', '--format', format], { cwd: files.dir });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('FORGED');
      expect(run.stdout).not.toMatch(RAW_CONTROL);
      expect(run.stdout.split('\n').filter((line) => line.startsWith('FORGED'))).toEqual([]);
    },
  );

  it('the diagnostics check, explain and matrix write for a refused file escape them', async () => {
    for (const command of ['check', 'explain', 'matrix']) {
      const run = await runCli([command, '-c', 'broken.toml', ...(command === 'check' ? ['-p', 'wallet_read'] : [])], {
        cwd: files.dir,
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('FORGED');
      expect(run.stderr).not.toMatch(RAW_CONTROL);
    }
  });
});
