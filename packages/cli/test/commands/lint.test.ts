import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
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

  it('lints every config-access*.toml of a directory, and only those', async () => {
    const run = await runCli(['lint', '.', '--format', 'json'], { cwd: files.dir });
    const results = JSON.parse(run.stdout) as { filePath: string }[];
    expect(results.map((r) => r.filePath)).toEqual(['config-access.staging.toml', 'config-access.toml']);
    expect(run.code).toBe(0);
  });

  it('reads standard input for -, under --stdin-filename, without a file-mode check', async () => {
    const run = await runCli(['lint', '-', '--format', 'compact', '--stdin-filename', 'piped.toml'], { cwd: files.dir, stdin: broken });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('piped.toml:3:10: error: Unknown permission "walet_read": it is not in the nano catalog. Did you mean "wallet_read"? [unknown-permission]\n');
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

  it('prints errors only with --quiet', async () => {
    const run = await runCli(['lint', 'warns.toml', 'broken.toml', '--quiet', '--format', 'compact'], { cwd: files.dir });
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^broken\.toml:3:10: error: /)]);
  });

  it('changes a warning rule with --rule, and refuses to turn off an error rule (exit 2)', async () => {
    expect((await runCli(['lint', 'warns.toml', '--rule', 'weak-credential=error'], { cwd: files.dir })).code).toBe(1);
    const off = await runCli(['lint', 'warns.toml', '--rule', 'weak-credential=off', '--format', 'json'], { cwd: files.dir });
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
    expect(github.stdout.split('\n')[0]).toMatch(/^::error file=.*broken\.toml,line=3,col=10,endLine=3,endColumn=20,title=nano-access unknown-permission::Unknown permission/);
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
    const names = readdirSync(corpus).filter((n) => n.endsWith('.toml')).sort();
    // The checkout's mode bits vary; the corpus expectations leave file-mode out.
    const paths = names.map((n) => join('fixtures', 'lint', n));
    const run = await runCli(['lint', ...paths, '--format', 'json', '--rule', 'file-mode=off'], { cwd: repoRoot });
    const expected = names.flatMap((n) => JSON.parse(readFileSync(join(corpus, n.replace(/\.toml$/, '.expected.json')), 'utf8')) as unknown[]);
    const actual = (JSON.parse(run.stdout) as { filePath: string }[]).map((r) => ({ ...r, filePath: r.filePath.split('\\').join('/') }));
    expect(actual).toEqual(expected);
    expect(run.code).toBe(1);
  });

  it('runs as the real binary with ESLint exit codes', () => {
    // npm test builds first; a bare jest run needs `npx tsc -b`.
    expect(existsSync(join(repoRoot, 'packages', 'cli', 'dist', 'cli.js'))).toBe(true);
    const lint = (...args: string[]) => spawnSync(process.execPath, [bin, 'lint', ...args], { cwd: files.dir, encoding: 'utf8' });
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
