import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execute } from '../../src/cli';
import type { CliIO } from '../../src/io';
import { runCli, tempDir } from '../helpers/run-cli';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'nano-access.js');
const STRONG = 'Zq8vN2xK7mB4rT9wL3pH6yC1';
const clean = `[[user]]\nid = "${STRONG}"\nallow = "wallet_read"\n`;
const warns = `[[user]]\nid = "short-key"\nallow = "wallet_read"\n`;
const broken = `[[user]]\nid = "${STRONG}"\nallow = "walet_read"\n`;

describe('nano-access lint', () => {
  const files = tempDir({
    'config-access.toml': clean,
    'config-access.staging.toml': warns,
    // A policy test beside the access file (nano-access test): not an access file.
    'config-access.access-test.toml': '[[expect]]\nuser = "default"\nallow = "wallet_read"\n',
    'other.toml': broken,
    'broken.toml': broken,
    'warns.toml': warns,
    'catalog.json': '{ not json',
  });
  afterAll(() => files.cleanup());

  it('lints config-access.toml of the working directory when given no path, and exits 0 when clean', async () => {
    const run = await runCli(['lint'], { cwd: files.dir });
    expect([run.code, run.stdout, run.stderr]).toEqual([0, '', '']);
  });

  it('exits 1 on an error, with a stylish report', async () => {
    const run = await runCli(['lint', 'broken.toml'], { cwd: files.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('broken.toml\n  3:10  error  Unknown permission "walet_read"');
    expect(run.stdout).toContain('unknown-permission');
    expect(run.stdout).toContain('✖ 1 problem (1 error, 0 warnings)');
  });

  it('exits 0 on warnings within --max-warnings, and 1 beyond it', async () => {
    expect((await runCli(['lint', 'warns.toml'], { cwd: files.dir })).code).toBe(0);
    expect((await runCli(['lint', 'warns.toml', '--max-warnings', '1'], { cwd: files.dir })).code).toBe(0);
    const over = await runCli(['lint', 'warns.toml', '--max-warnings', '0'], { cwd: files.dir });
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('more than --max-warnings 0');
  });

  it('lints every config-access*.toml of a directory, and only those (not *.access-test.toml)', async () => {
    const run = await runCli(['lint', '.', '--format', 'json'], { cwd: files.dir });
    const results = JSON.parse(run.stdout) as { filePath: string }[];
    expect(results.map((r) => r.filePath)).toEqual(['config-access.staging.toml', 'config-access.toml']);
    expect(run.code).toBe(0);
  });

  it('reads standard input for -, under --stdin-filename, without a file-mode check', async () => {
    const run = await runCli(['lint', '-', '--format', 'compact', '--stdin-filename', 'piped.toml'], {
      cwd: files.dir,
      stdin: broken,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'piped.toml:3:10: error: Unknown permission "walet_read": it is not in the nano catalog. Did you mean "wallet_read"? [unknown-permission]\n',
    );
  });

  it('reports a file its group and others can read (file-mode), and not once it is 0600', async () => {
    const dir = tempDir({ 'config-access.toml': clean });
    try {
      chmodSync(dir.path('config-access.toml'), 0o644);
      const open = await runCli(['lint', '--format', 'compact'], { cwd: dir.dir });
      expect(open.stdout).toContain('[file-mode]');
      chmodSync(dir.path('config-access.toml'), 0o600);
      expect((await runCli(['lint', '--format', 'compact'], { cwd: dir.dir })).stdout).toBe('');
    } finally {
      dir.cleanup();
    }
  });

  it('refuses a file that is not UTF-8 with the line and column of its first bad byte, exit 2, as the servers refuse to read it', async () => {
    const dir = tempDir({});
    try {
      // A Latin-1 "é" in a comment: decoded with replacement characters it would lint clean.
      writeFileSync(
        dir.path('latin1.toml'),
        Buffer.concat([Buffer.from(`${clean}# caf`), Buffer.from([0xe9]), Buffer.from('\n')]),
        { mode: 0o600 },
      );
      const run = await runCli(['lint', 'latin1.toml'], { cwd: dir.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'latin1.toml:4:6: error: The file is not valid UTF-8: byte 0xE9 at line 4, column 6 begins no valid character (TOML files are UTF-8). [toml-syntax]',
      );
      expect(run.stderr).toContain(
        'nano-access: latin1.toml: the access file is not valid UTF-8 (line 4, column 6) (NA_RELOAD_NOT_UTF8)',
      );
    } finally {
      dir.cleanup();
    }
  });

  it('reads standard input with the same strict reader: invalid UTF-8 is exit 2 under the --stdin-filename name', async () => {
    const bytes = Buffer.concat([Buffer.from('[[user]]\nid = "'), Buffer.from([0xff]), Buffer.from('"\n')]);
    const run = await runCli(['lint', '-', '--stdin-filename', 'piped.toml'], { cwd: files.dir, stdin: bytes });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('piped.toml:2:7: error: The file is not valid UTF-8');
    expect(run.stderr).toContain('(NA_RELOAD_NOT_UTF8)');
  });

  it('refuses a FIFO at once, exit 2, without waiting for a writer (only regular files are read from a path)', async () => {
    const dir = tempDir({});
    try {
      execFileSync('mkfifo', [dir.path('config-access.toml')]);
      const run = await runCli(['lint'], { cwd: dir.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'config-access.toml: the access file is a FIFO (named pipe), not a regular file; only a regular file is read (NA_RELOAD_NOT_A_FILE)',
      );
    } finally {
      dir.cleanup();
    }
  });

  it('reports what a server would refuse to serve as a file-mode error: a file or directory others can write', async () => {
    const dir = tempDir({ 'config-access.toml': clean });
    try {
      chmodSync(dir.path('config-access.toml'), 0o664);
      const groupWritable = await runCli(['lint', '--format', 'compact'], { cwd: dir.dir });
      expect(groupWritable.code).toBe(1);
      expect(groupWritable.stdout).toContain(
        'config-access.toml:1:1: error: The file is writable by its group (mode 0664)',
      );
      chmodSync(dir.path('config-access.toml'), 0o600);
      chmodSync(dir.dir, 0o777);
      const openDirectory = await runCli(['lint', '--format', 'compact'], { cwd: dir.dir });
      expect(openDirectory.code).toBe(1);
      expect(openDirectory.stdout).toContain(
        `error: The directory ${dir.dir} is writable by group and others (mode 0777)`,
      );
      // --rule file-mode=warning is lint's counterpart of the servers' allow_insecure_permissions.
      expect((await runCli(['lint', '--rule', 'file-mode=warning'], { cwd: dir.dir })).code).toBe(0);
    } finally {
      chmodSync(dir.dir, 0o700);
      dir.cleanup();
    }
  });

  it('prints errors only with --quiet', async () => {
    const run = await runCli(['lint', 'warns.toml', 'broken.toml', '--quiet', '--format', 'compact'], {
      cwd: files.dir,
    });
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^broken\.toml:3:10: error: /)]);
  });

  it('changes a warning rule with --rule, and refuses to turn off an error rule (exit 2)', async () => {
    expect((await runCli(['lint', 'warns.toml', '--rule', 'weak-credential=error'], { cwd: files.dir })).code).toBe(1);
    const off = await runCli(['lint', 'warns.toml', '--rule', 'weak-credential=off', '--format', 'json'], {
      cwd: files.dir,
    });
    expect(JSON.parse(off.stdout)[0].messages).toEqual([]);
    const refused = await runCli(['lint', 'broken.toml', '--rule', 'unknown-permission=off'], { cwd: files.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('cannot be set to off');
    expect(refused.stdout).toBe('');
  });

  it('exits 2 for a file it cannot read, a directory without access files, and a bad catalog', async () => {
    const missing = await runCli(['lint', 'missing.toml'], { cwd: files.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NA_CLI_FILE_UNREADABLE');
    const emptyDir = tempDir({});
    try {
      expect((await runCli(['lint', emptyDir.dir], { cwd: files.dir })).code).toBe(2);
    } finally {
      emptyDir.cleanup();
    }
    const catalog = await runCli(['lint', '--catalog', 'catalog.json'], { cwd: files.dir });
    expect(catalog.code).toBe(2);
    expect(catalog.stderr).toContain('NA_CLI_CATALOG_INVALID');
  });

  it('still reports the files it could read when another is unreadable, and exits 2', async () => {
    const run = await runCli(['lint', 'broken.toml', 'missing.toml', '--format', 'json'], { cwd: files.dir });
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as unknown[]).length).toBe(1);
  });

  it('exits 2 on usage errors: an unknown format, a bad --max-warnings', async () => {
    expect((await runCli(['lint', '--format', 'xml'], { cwd: files.dir })).code).toBe(2);
    expect((await runCli(['lint', '--max-warnings', 'many'], { cwd: files.dir })).code).toBe(2);
  });

  it('prints SARIF and GitHub workflow commands', async () => {
    const sarif = await runCli(['lint', 'broken.toml', '--format', 'sarif'], { cwd: files.dir });
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.map((r) => r.ruleId)).toEqual(['unknown-permission']);
    const github = await runCli(['lint', 'broken.toml', '--format', 'github'], { cwd: files.dir });
    expect(github.stdout.split('\n')[0]).toMatch(
      /^::error file=.*broken\.toml,line=3,col=10,endLine=3,endColumn=20,title=nano-access unknown-permission::Unknown permission/,
    );
  });

  it('writes the report to --output-file', async () => {
    const run = await runCli(['lint', 'broken.toml', '--format', 'json', '-o', 'report.json'], { cwd: files.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(readFileSync(files.path('report.json'), 'utf8'))[0].errorCount).toBe(1);
  });

  it('colours the stylish report only when standard output is a terminal', async () => {
    const runWith = async (isTTY: boolean, env: NodeJS.ProcessEnv = {}): Promise<string> => {
      let stdout = '';
      const io: CliIO = {
        stdout: { write: (chunk: string) => (stdout += chunk), isTTY },
        stderr: { write: () => true },
        stdin: Readable.from([]),
        cwd: files.dir,
        env,
      };
      await execute(['lint', 'broken.toml'], io);
      return stdout;
    };
    expect(await runWith(true)).toContain('\u001b[31m');
    expect(await runWith(false)).not.toContain('\u001b[');
    expect(await runWith(true, { NO_COLOR: '1' })).not.toContain('\u001b[');
  });

  it('prints the expected JSON for every file of the fixtures/lint corpus', async () => {
    const corpus = join(repoRoot, 'fixtures', 'lint');
    const names = readdirSync(corpus)
      .filter((n) => n.endsWith('.toml'))
      .sort();
    // The checkout's mode bits vary; the corpus expectations leave file-mode out.
    const paths = names.map((n) => join('fixtures', 'lint', n));
    const run = await runCli(['lint', ...paths, '--format', 'json', '--rule', 'file-mode=off'], { cwd: repoRoot });
    const expected = names.flatMap(
      (n) => JSON.parse(readFileSync(join(corpus, n.replace(/\.toml$/, '.expected.json')), 'utf8')) as unknown[],
    );
    const actual = (JSON.parse(run.stdout) as { filePath: string }[]).map((r) => ({
      ...r,
      filePath: r.filePath.split('\\').join('/'),
    }));
    expect(actual).toEqual(expected);
    expect(run.code).toBe(1);
  });

  it('reports 100,000 roles with an unknown key each: exit 1, one line per finding, the output growing with the findings (the real binary)', () => {
    const entries = 100_000;
    let text = '';
    for (let i = 0; i < entries; i++) text += `[[role]]\nid = "r${i}"\nalow = "wallet_read"\n\n`;
    const big = tempDir({ 'config-access.toml': text });
    try {
      const run = spawnSync(process.execPath, [bin, 'lint', 'config-access.toml'], {
        cwd: big.dir,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      expect([run.status, run.stderr]).toEqual([1, '']);
      // An unknown-key error and an unused-role warning per role, each on its line, then the summary.
      const lines = run.stdout.split('\n');
      expect(lines.filter((line) => line.endsWith('unknown-key'))).toHaveLength(entries);
      expect(lines.at(-2)).toBe(`✖ ${2 * entries} problems (${entries} errors, ${entries} warnings)`);
      expect(run.stdout.length).toBeLessThan(2 * entries * 120);
    } finally {
      big.cleanup();
    }
  }, 180_000);

  it('runs as the real binary with ESLint exit codes', () => {
    // npm test builds first; a bare jest run needs `npx tsc -b`.
    expect(existsSync(join(repoRoot, 'packages', 'cli', 'dist', 'cli.js'))).toBe(true);
    const lint = (...args: string[]) =>
      spawnSync(process.execPath, [bin, 'lint', ...args], { cwd: files.dir, encoding: 'utf8' });
    const ok = lint('config-access.toml');
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    const bad = lint('broken.toml', '--format', 'json');
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)[0].messages[0]).toEqual({
      ruleId: 'unknown-permission',
      severity: 'error',
      message: 'Unknown permission "walet_read": it is not in the nano catalog. Did you mean "wallet_read"?',
      line: 3,
      column: 10,
      endLine: 3,
      endColumn: 20,
    });
    expect(lint('missing.toml').status).toBe(2);
  });
});
