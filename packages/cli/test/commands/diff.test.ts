import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/run-cli';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'nano-access.js');

const ALICE = 'alice-7Hq2vX9kLm4Rt8Wc';
const BOB = 'bob-3Jn6pY1sQz5Ud0Fe';

const before = `[[role]]
id = "reader"
allow = "wallet_read"

[[user]]
id = "${ALICE}"
roles = "reader"
bare = true

[[user]]
id = "${BOB}"
allow = "api_send"
bare = true
`;
// reader gains a permission (ALICE gains it); BOB loses api_send.
const after = before
  .replace('allow = "wallet_read"', 'allow = "wallet_read, api_account_history"')
  .replace('allow = "api_send"', 'allow = "api_stop"');
const gainOnly = before.replace('allow = "wallet_read"', 'allow = "wallet_read, api_account_history"');

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  );
}

describe('nano-access diff', () => {
  const files = tempDir({
    'old.toml': before,
    'new.toml': after,
    'gain.toml': gainOnly,
    'broken.toml': '[[user]]\nid = "x"\nallow = "walet_read"\n',
  });
  afterAll(() => files.cleanup());

  it('prints each user who gains or loses, with the derivation, and exits 0', async () => {
    const run = await runCli(['diff', 'old.toml', 'new.toml'], { cwd: files.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('user #1 (…t8Wc): changed\n');
    expect(run.stdout).toContain('  + api_account_history  granted by role reader\n');
    expect(run.stdout).toContain('  - api_send  granted by nothing (was: granted by allow)\n');
    expect(run.stdout).not.toContain(ALICE);
    expect(run.stdout).not.toContain(BOB);
  });

  it.each([
    ['gain', 'old.toml', 'gain.toml', 1],
    ['loss', 'old.toml', 'gain.toml', 0],
    ['loss', 'old.toml', 'new.toml', 1],
    ['any', 'old.toml', 'gain.toml', 1],
    ['any', 'old.toml', 'old.toml', 0],
  ])('--fail-on %s: %s -> %s exits %i', async (failOn, a, b, code) => {
    const run = await runCli(['diff', a, b, '--fail-on', failOn, '--format', 'json'], { cwd: files.dir });
    expect(run.code).toBe(code);
    expect(JSON.parse(run.stdout)).toHaveProperty('users');
  });

  it('exits 2 on a file with errors, printed as lint prints them, and prints no diff', async () => {
    const run = await runCli(['diff', 'old.toml', 'broken.toml', '--format', 'json'], { cwd: files.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('broken.toml\n  3:10  error  Unknown permission "walet_read"');
    expect(run.stderr).toContain(
      'nano-access: broken.toml has 1 error; no server would activate it (NA_CLI_POLICY_INVALID)',
    );
  });

  it('annotates the broken file in the github format', async () => {
    const run = await runCli(['diff', 'broken.toml', 'new.toml', '--format', 'github'], { cwd: files.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^::error file=[^,]*broken\.toml,line=3,col=10,/);
  });

  it('exits 2 for a file that cannot be read', async () => {
    const run = await runCli(['diff', 'old.toml', 'nope.toml'], { cwd: files.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read nope.toml: ENOENT (NA_CLI_FILE_UNREADABLE)');
  });

  it("reads files through the servers' strict reader: invalid UTF-8 is exit 2 with its line and column", async () => {
    writeFileSync(
      files.path('latin1.toml'),
      Buffer.concat([Buffer.from('[[user]]\nid = "caf'), Buffer.from([0xe9]), Buffer.from('-0123456789abcdef"\n')]),
    );
    const run = await runCli(['diff', 'old.toml', 'latin1.toml'], { cwd: files.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/latin1\.toml:2:10: error: .*UTF-8/);
    expect(run.stdout).toBe('');
  });

  it('reads one side from standard input', async () => {
    const run = await runCli(['diff', 'old.toml', '-', '--format', 'json'], { cwd: files.dir, stdin: after });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).users).toHaveLength(2);
  });

  it('writes the report to a file with -o', async () => {
    const run = await runCli(['diff', 'old.toml', 'new.toml', '--format', 'markdown', '-o', 'diff.md'], {
      cwd: files.dir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(require('node:fs').readFileSync(files.path('diff.md'), 'utf8')).toMatch(/^### nano-access diff\n/);
  });
});

describe('nano-access diff REV:PATH (a real git repository)', () => {
  const repo = tempDir({});
  beforeAll(() => {
    git(repo.dir, 'init', '-q', '-b', 'main');
    mkdirSync(join(repo.dir, 'deploy'));
    writeFileSync(join(repo.dir, 'deploy', 'config-access.toml'), before);
    git(repo.dir, 'add', '.');
    git(repo.dir, 'commit', '-qm', 'access file');
    writeFileSync(join(repo.dir, 'deploy', 'config-access.toml'), after);
  });
  afterAll(() => repo.cleanup());

  it('reads REV:PATH with git show, from the repository root, and annotates NEW by its repository path', async () => {
    const run = await runCli(
      ['diff', 'main:deploy/config-access.toml', 'deploy/config-access.toml', '--format', 'github'],
      { cwd: repo.dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::notice file=deploy\/config-access\.toml,line=5,title=/m);
    expect(run.stdout).toContain('main:deploy/config-access.toml -> deploy/config-access.toml');
  });

  it('reads REV:./PATH relative to the working directory, as git does', async () => {
    const run = await runCli(['diff', 'HEAD:./config-access.toml', 'config-access.toml', '--format', 'json'], {
      cwd: join(repo.dir, 'deploy'),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).users.map((u: { status: string }) => u.status)).toEqual(['changed', 'changed']);
  });

  it("exits 2 with git's reason for a path or revision git does not have", async () => {
    const missing = await runCli(['diff', 'main:deploy/nope.toml', 'deploy/config-access.toml'], { cwd: repo.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /cannot read main:deploy\/nope\.toml with git show: fatal: path 'deploy\/nope\.toml' does not exist in 'main' \(NA_CLI_GIT_SHOW_FAILED\)/,
    );
    const revision = await runCli(['diff', 'no-such-branch:deploy/config-access.toml', 'deploy/config-access.toml'], {
      cwd: repo.dir,
    });
    expect(revision.code).toBe(2);
    expect(revision.stderr).toContain('NA_CLI_GIT_SHOW_FAILED');
  });

  it('applies the same UTF-8 check to what git show gives', async () => {
    const dir = join(repo.dir, 'latin1');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'config-access.toml'),
      Buffer.concat([Buffer.from('[[user]]\nid = "caf'), Buffer.from([0xe9]), Buffer.from('-0123456789abcdef"\n')]),
    );
    git(repo.dir, 'add', 'latin1');
    git(repo.dir, 'commit', '-qm', 'latin1');
    const run = await runCli(['diff', 'HEAD:latin1/config-access.toml', 'deploy/config-access.toml'], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HEAD:latin1\/config-access\.toml:2:10: error: .*UTF-8/);
  });

  it('never reads a revision that starts with "-" as an option', async () => {
    const run = await runCli(['diff', '--', '--output=pwned:deploy/config-access.toml', 'deploy/config-access.toml'], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(2);
    expect(require('node:fs').existsSync(join(repo.dir, 'pwned'))).toBe(false);
  });

  it('reads an existing file whose name holds a colon as that file, not as REV:PATH', async () => {
    writeFileSync(join(repo.dir, 'main:deploy'), after);
    try {
      const run = await runCli(['diff', 'main:deploy/config-access.toml', 'main:deploy', '--format', 'json'], {
        cwd: repo.dir,
      });
      expect(run.code).toBe(0);
      // The committed file against the colon-named copy of the new text: the same two changes.
      expect(JSON.parse(run.stdout).users).toHaveLength(2);
      const same = await runCli(['diff', 'main:deploy', 'main:deploy', '--format', 'json'], { cwd: repo.dir });
      expect(JSON.parse(same.stdout).users).toEqual([]);
    } finally {
      require('node:fs').rmSync(join(repo.dir, 'main:deploy'));
    }
  });

  it('the real binary: markdown for a pull-request comment, --fail-on loss exits 1', () => {
    const run = spawnSync(
      process.execPath,
      [
        bin,
        'diff',
        'main:deploy/config-access.toml',
        'deploy/config-access.toml',
        '--format',
        'markdown',
        '--fail-on',
        'loss',
      ],
      {
        cwd: repo.dir,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /^### nano-access diff\n\n`main:deploy\/config-access.toml` → `deploy\/config-access.toml`: 2 users \(2 changed\): 2 permissions gained, 1 lost\.\n/,
    );
    expect(run.stdout).toContain('| − | `api_send` | `granted by nothing (was: granted by allow)` |');
    expect(run.stdout).not.toContain(ALICE);
  });
});

describe('nano-access diff never prints an id', () => {
  const KEY = 'k3y-7Hq2vX9kLm4Rt8Wc5Pz1';
  const files = tempDir({ 'old.toml': before, 'broken.toml': `[[user]]\nid = "${KEY}"\nroles = "${KEY}"\n` });
  afterAll(() => files.cleanup());

  it.each(['text', 'json', 'markdown', 'github'])(
    "in the %s format, even quoted in a broken file's message",
    async (format) => {
      const run = await runCli(['diff', 'old.toml', 'broken.toml', '--format', format], { cwd: files.dir });
      expect(run.code).toBe(2);
      expect(run.stdout + run.stderr).toContain('unknown-role');
      expect(run.stdout + run.stderr).not.toContain(KEY);
    },
  );
});
