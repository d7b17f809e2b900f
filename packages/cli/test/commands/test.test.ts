import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAccessTest } from '@nano-access/linter';
import { runCli, tempDir } from '../helpers/run-cli';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'nano-access.js');

const OPS = 'ops-node-query-3a9d7f21-6e0b-4c58-b1f4-d8e2a5c06b97';
const policy = `[[user]]
allow = "node_query"

[[user]]
id = "${OPS}"
deny = "api_peers"
`;
const passing = `policy = "config-access.toml"

[users]
ops = "…6b97"

[[expect]]
user = "ops"
allow = "api_version"
deny = "api_peers"
`;
const failing = `policy = "config-access.toml"

[users]
ops = "…6b97"

[[expect]]
user = "ops"
allow = ["api_version", "api_peers"]
`;

describe('nano-access test', () => {
  const files = tempDir({ 'config-access.toml': policy, 'broken.toml': 'user = 3\n' });
  beforeAll(() => {
    mkdirSync(files.path('tests/nested'), { recursive: true });
    mkdirSync(files.path('node_modules/x'), { recursive: true });
    mkdirSync(files.path('.hidden'), { recursive: true });
    writeFileSync(
      files.path('tests/ops.access-test.toml'),
      passing.replace('"config-access.toml"', '"../config-access.toml"'),
    );
    writeFileSync(
      files.path('tests/nested/more.access-test.toml'),
      passing.replace('"config-access.toml"', '"../../config-access.toml"'),
    );
    // Never searched: dependencies and dot-directories.
    writeFileSync(files.path('node_modules/x/y.access-test.toml'), failing);
    writeFileSync(files.path('.hidden/y.access-test.toml'), failing);
    writeFileSync(files.path('failing.access-test.toml'), failing);
    writeFileSync(
      files.path('broken-policy.access-test.toml'),
      passing.replace('"config-access.toml"', '"broken.toml"'),
    );
    writeFileSync(files.path('no-policy.access-test.toml'), passing.replace('policy = "config-access.toml"\n', ''));
    writeFileSync(files.path('env.access-test.toml'), passing.replace('ops = "…6b97"', 'ops = { env = "OPS_KEY" }'));
  });
  afterAll(() => files.cleanup());

  it('finds test files under a directory (policy paths relative to each file) and exits 0 when all pass', async () => {
    const run = await runCli(['test', 'tests'], { cwd: files.dir });
    expect(run).toEqual({ code: 0, stdout: '✔ 4 checks passed (2 test files)\n', stderr: '' });
  });

  it('prints each failure with file:line:col and the derivation of the actual decision, and exits 1', async () => {
    const run = await runCli(['test', 'failing.access-test.toml'], { cwd: files.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        '',
        'failing.access-test.toml',
        '  8:25  fail   ops (user #2 (…6b97)) should be allowed api_peers, but is denied  expect-allow',
        '               granted by inherited from the default user',
        '               removed by deny api_peers',
        '',
        '✖ 1 of 2 checks failed (1 test file)',
        '',
      ].join('\n'),
    );
  });

  it('compact: file:line:col per failure', async () => {
    const run = await runCli(['test', 'failing.access-test.toml', '--format', 'compact'], { cwd: files.dir });
    expect(run.stdout).toMatch(
      /^failing\.access-test\.toml:8:25: fail: ops \(user #2 \(…6b97\)\) should be allowed api_peers, but is denied \[expect-allow\] \(granted by/,
    );
  });

  it('exits 2 when the access file is broken, reporting its errors once and the test file at its policy key', async () => {
    const run = await runCli(['test', 'broken-policy.access-test.toml', '--format', 'json'], { cwd: files.dir });
    expect(run.code).toBe(2);
    const results = JSON.parse(run.stdout);
    expect(
      results.map((r: { filePath: string; fileKind: string; errorCount: number }) => [
        r.filePath,
        r.fileKind,
        r.errorCount,
      ]),
    ).toEqual([
      ['broken.toml', 'policy', 1],
      ['broken-policy.access-test.toml', 'test', 1],
    ]);
    expect(results[0].messages[0]).toMatchObject({ ruleId: 'invalid-type', line: 1, column: 8 });
    expect(results[1].messages[0]).toMatchObject({
      ruleId: 'policy-invalid',
      line: 1,
      column: 10,
      message: 'broken.toml has 1 error; no server would activate it.',
    });
  });

  it('exits 2 for a test file naming no access file, and takes --config instead', async () => {
    const run = await runCli(['test', 'no-policy.access-test.toml', '--format', 'compact'], { cwd: files.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('no-policy.access-test.toml:1:1: error: This test file names no access file');
    const given = await runCli(['test', 'no-policy.access-test.toml', '--config', 'config-access.toml'], {
      cwd: files.dir,
    });
    expect(given.code).toBe(0);
  });

  it("--config wins over the test file's policy", async () => {
    const run = await runCli(['test', 'tests/ops.access-test.toml', '--config', 'broken.toml'], { cwd: files.dir });
    expect(run.code).toBe(2);
  });

  it("reads an alias's full id from the environment; unset, the test is broken (exit 2)", async () => {
    expect((await runCli(['test', 'env.access-test.toml'], { cwd: files.dir, env: { OPS_KEY: OPS } })).code).toBe(0);
    const unset = await runCli(['test', 'env.access-test.toml'], { cwd: files.dir, env: {} });
    expect(unset.code).toBe(2);
    expect(unset.stdout).toContain(
      '4:7  error  Alias "ops": the environment variable OPS_KEY is not set.  alias-env-unset',
    );
  });

  it('exits 2 when a path holds no test file, or does not exist', async () => {
    mkdirSync(files.path('empty'));
    const empty = await runCli(['test', 'empty'], { cwd: files.dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no *.access-test.toml file under empty (NA_CLI_FILE_UNREADABLE)');
    const missing = await runCli(['test', 'nope'], { cwd: files.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read nope: ENOENT');
  });

  it('the real binary: searches the current directory by default, github annotations, exit 2 beats exit 1', () => {
    const run = spawnSync(process.execPath, [bin, 'test', '--format', 'github'], {
      cwd: files.dir,
      encoding: 'utf8',
      env: { ...process.env, OPS_KEY: OPS },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(
      /^::error file=[^,]*failing\.access-test\.toml,line=8,col=25,endLine=8,endColumn=36,title=nano-access test expect-allow::ops \(user #2 \(…6b97\)\) should be allowed api_peers, but is denied%0Agranted by inherited from the default user%0Aremoved by deny api_peers$/m,
    );
    expect(run.stdout).not.toContain('node_modules');
    expect(run.stdout).not.toContain('.hidden');
    expect(run.stdout).not.toContain(OPS);
  });
});

describe("the project's own documented examples, pinned", () => {
  it('runs every test file under fixtures/ green', async () => {
    const run = await runCli(['test', 'fixtures', '--format', 'json'], { cwd: repoRoot });
    const results = JSON.parse(run.stdout) as {
      filePath: string;
      passCount: number;
      failCount: number;
      errorCount: number;
    }[];
    expect(results.map((r) => [r.filePath, r.failCount, r.errorCount])).toEqual([
      ['fixtures/data/config-access.access-test.toml', 0, 0],
      ['fixtures/docs/access-file-example.access-test.toml', 0, 0],
      ['fixtures/docs/access-file-inheritance.access-test.toml', 0, 0],
      ['fixtures/docs/resolution-rules.access-test.toml', 0, 0],
    ]);
    expect(results.every((r) => r.passCount > 0)).toBe(true);
    expect(run.code).toBe(0);
  });

  it('documents a test file that its own schema and reader accept (docs/policy-review.md)', () => {
    const page = readFileSync(join(repoRoot, 'docs', 'policy-review.md'), 'utf8');
    const example = /```toml\n(# config-access\.access-test\.toml[\s\S]*?)```/.exec(page)![1];
    const parsed = parseAccessTest(example, { file: 'config-access.access-test.toml' });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.test!.expectations).toHaveLength(3);
  });

  it('tests the examples of docs/access-file.md verbatim', () => {
    const page = readFileSync(join(repoRoot, 'docs', 'access-file.md'), 'utf8');
    const blocks = [...page.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(readFileSync(join(repoRoot, 'fixtures', 'docs', 'access-file-example.toml'), 'utf8'));
    expect(blocks).toContain(readFileSync(join(repoRoot, 'fixtures', 'docs', 'access-file-inheritance.toml'), 'utf8'));
  });
});

describe('nano-access test never prints an id', () => {
  const KEY = 'k3y-7Hq2vX9kLm4Rt8Wc5Pz1';
  // The key pasted into roles by mistake: the access file is broken, and its message quotes the key.
  const files = tempDir({
    'config-access.toml': `[[user]]\nid = "${KEY}"\nroles = "${KEY}"\n`,
    'a.access-test.toml': 'policy = "config-access.toml"\n[[expect]]\nuser = "default"\nallow = "node_query"\n',
  });
  afterAll(() => files.cleanup());

  it.each(['stylish', 'json', 'compact', 'github'])(
    "in the %s format, even quoted in a broken access file's message",
    async (format) => {
      const run = await runCli(['test', '--format', format], { cwd: files.dir });
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('unknown-role');
      expect(run.stdout + run.stderr).not.toContain(KEY);
      expect(run.stdout).toContain('[the id of user #1 (…');
    },
  );
});
