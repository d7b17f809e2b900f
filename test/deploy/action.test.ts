import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { load } from 'js-yaml';

// The composite action's steps, run here as the runner runs them: each `run` with bash, its
// `env` evaluated from the inputs, GITHUB_ACTION_PATH at this checkout (built by `npm test`).
const repoRoot = join(__dirname, '..', '..');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = load(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as Action;
const step = (name: string): Step => action.runs.steps.find((s) => s.name === name)!;
const sarifSchema = JSON.parse(
  readFileSync(join(repoRoot, 'fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8'),
) as object;

/** Runs one `run` step with bash, its env's `${{ inputs.x }}` replaced by the given inputs (defaults otherwise). */
function runStep(
  s: Step,
  inputs: Record<string, string>,
  cwd: string,
): { status: number | null; stdout: string; output: string } {
  const value = (name: string): string => inputs[name] ?? action.inputs[name].default ?? '';
  const env: Record<string, string> = {};
  for (const [key, expression] of Object.entries(s.env ?? {})) {
    const m = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(expression);
    if (!m) throw new Error(`unexpected env expression ${expression}`);
    env[key] = value(m[1]);
  }
  const outputFile = join(cwd, 'github-output');
  writeFileSync(outputFile, '');
  const result = spawnSync('bash', ['-e', '-c', s.run!], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env, GITHUB_ACTION_PATH: repoRoot, GITHUB_OUTPUT: outputFile },
  });
  return { status: result.status, stdout: result.stdout + result.stderr, output: readFileSync(outputFile, 'utf8') };
}

describe('action.yml', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nano-access-action-'));
    writeFileSync(
      join(dir, 'config-access.toml'),
      '[[user]]\nid = "9f86d081884c7d659a2feaa0c55ad015"\nallow = "wallet_read"\n',
    );
    writeFileSync(
      join(dir, 'config-access.staging.toml'),
      '[[user]]\nid = "9f86d081884c7d659a2feaa0c55ad015"\nallow = "walet_read"\n',
    );
    for (const f of ['config-access.toml', 'config-access.staging.toml']) chmodSync(join(dir, f), 0o600);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a composite action whose scripts get inputs only through env (no expression inside a script)', () => {
    expect(action.runs.using).toBe('composite');
    for (const s of action.runs.steps.filter((x) => x.run !== undefined)) {
      expect([s.name, s.shell]).toEqual([s.name, 'bash']);
      expect([s.name, s.run!.includes('${{')]).toEqual([s.name, false]);
    }
    const referenced = [...JSON.stringify(action.runs.steps).matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]);
    for (const name of referenced) expect(Object.keys(action.inputs)).toContain(name);
  });

  it('uploads SARIF to code scanning even when the lint step failed', () => {
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.if).toMatch(/^always\(\) && /);
    expect(step('Write SARIF').if).toMatch(/^always\(\) && /);
    expect(upload.with).toEqual({ sarif_file: '${{ inputs.sarif-file }}', category: '${{ inputs.category }}' });
  });

  it('lints: a good file passes; a bad one fails with a GitHub annotation at its line and column', () => {
    const good = runStep(step('Lint access files'), { files: 'config-access.toml' }, dir);
    expect(good.status).toBe(0);
    const bad = runStep(
      step('Lint access files'),
      { files: 'config-access.toml config-access.staging.toml', 'max-warnings': '0' },
      dir,
    );
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^::error file=config-access\.staging\.toml,line=3,col=\d+.*unknown-permission/m);
  });

  it('writes valid SARIF 2.1.0 with the finding, and sets its output, when the files have errors', () => {
    const result = runStep(
      step('Write SARIF'),
      { files: 'config-access.toml config-access.staging.toml', args: '--rule file-mode=off' },
      dir,
    );
    expect(result.status).toBe(0);
    expect(result.output).toBe('sarif-file=nano-access.sarif\n');
    const log = JSON.parse(readFileSync(join(dir, 'nano-access.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[] }[];
    };
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(sarifSchema);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results.map((r) => r.ruleId)).toEqual(['unknown-permission']);
  });

  it('fails the SARIF step when the command itself fails (exit 2), not on findings', () => {
    const result = runStep(step('Write SARIF'), { files: 'no-such-file.toml' }, dir);
    expect(result.status).not.toBe(0);
  });
});
