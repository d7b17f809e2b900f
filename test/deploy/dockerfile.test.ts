import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

// No Docker engine runs where the tests run: the Dockerfile is checked as text, instruction by
// instruction, for what matters when it runs (docs/operations.md, "Container").
const repoRoot = join(__dirname, '..', '..');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with their continuation lines joined; comments and blank lines dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (pending === null && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending !== null && line.trimStart().startsWith('#')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    pending =
      pending === null ? { text: body, line: i + 1 } : { text: `${pending.text} ${body.trim()}`, line: pending.line };
    if (!continued) {
      const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(pending.text)!;
      out.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: pending.line });
      pending = null;
    }
  });
  return out;
}

/** Stages, split at each FROM. */
function stages(instructions: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') out.push([]);
    out[out.length - 1].push(instruction);
  }
  return out;
}

/** An exec-form argument list (a JSON array of strings), or null for shell form. */
function execForm(args: string): string[] | null {
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? (parsed) : null;
  } catch {
    return null;
  }
}

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const [build, run] = stages(dockerfile);
const all = (stage: Instruction[], keyword: string): Instruction[] => stage.filter((i) => i.keyword === keyword);
const last = (stage: Instruction[], keyword: string): Instruction => all(stage, keyword).at(-1)!;

describe('Dockerfile', () => {
  it('is multi-stage: a build stage and a run stage, on a pinned major of Node 20, slim at run time', () => {
    expect(stages(dockerfile)).toHaveLength(2);
    expect(build[0].args).toMatch(/^node:20(\.\d+){0,2}-[a-z]+-slim AS build$/);
    expect(run[0].args).toMatch(/^node:20(\.\d+){0,2}-[a-z]+-slim$/);
    for (const from of all(dockerfile, 'FROM')) expect(from.args).not.toMatch(/:latest|:lts|:current/);
  });

  it('builds with development dependencies from the lock file, then keeps production dependencies only', () => {
    const runs = all(build, 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r) && /\bnpm prune --omit=dev\b/.test(r))).toBe(true);
    // Nothing is installed at run time: the run stage copies the build stage's result.
    expect(
      all(run, 'RUN')
        .map((i) => i.args)
        .join('\n'),
    ).not.toMatch(/\bnpm (ci|install|i)\b/);
    expect(all(run, 'COPY').every((c) => c.args.startsWith('--from=build '))).toBe(true);
    expect(all(dockerfile, 'ADD')).toEqual([]);
  });

  it("copies every workspace's package.json before npm ci, so that the install matches the lock file", () => {
    const workspaces = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] })
      .workspaces;
    const npmCi = build.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    const copied = build
      .slice(0, npmCi)
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args.split(/\s+/)[0]);
    expect(copied).toEqual(expect.arrayContaining(['package.json', ...workspaces.map((w) => `${w}/package.json`)]));
  });

  it('runs as a non-root user, by number (so that Kubernetes runAsNonRoot can check it), the one the manifests name', () => {
    const user = last(run, 'USER').args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    const uid = Number(user.split(':')[0]);
    expect(uid).toBeGreaterThan(0);
    const deployment = load(readFileSync(join(repoRoot, 'deploy/kubernetes/deployment.yaml'), 'utf8')) as {
      spec: { template: { spec: { securityContext: { runAsUser: number } } } };
    };
    expect(deployment.spec.template.spec.securityContext.runAsUser).toBe(uid);
    // Nothing after USER runs as root again.
    expect(run.slice(run.indexOf(last(run, 'USER'))).filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  it('starts node itself in exec form, so that SIGTERM and SIGHUP reach it, serving the data volume', () => {
    const entrypoint = execForm(last(run, 'ENTRYPOINT').args);
    expect(entrypoint).not.toBeNull();
    expect(entrypoint![0]).toBe('node');
    const workdir = last(run, 'WORKDIR').args;
    expect(entrypoint![1].startsWith(`${workdir}/`)).toBe(true);
    expect(existsSync(join(repoRoot, entrypoint![1].slice(workdir.length + 1)))).toBe(true);
    const cmd = execForm(last(run, 'CMD').args);
    expect(cmd).toEqual(['serve', '--data', expect.any(String)]);
    expect(execForm(last(run, 'VOLUME').args)).toEqual([cmd![2]]);
    expect(last(run, 'EXPOSE').args.split(/\s+/).sort()).toEqual(['7076', '7077']);
  });

  it("checks health on the gateway's /healthz, in exec form", () => {
    const healthcheck = last(run, 'HEALTHCHECK').args;
    const command = /^(?:--[a-z-]+=\S+\s+)*CMD\s+(.*)$/.exec(healthcheck);
    expect(command).not.toBeNull();
    const argv = execForm(command![1]);
    expect(argv?.[0]).toBe('node');
    const env = all(run, 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/NANO_ACCESS_HEALTHZ_URL=http:\/\/127\.0\.0\.1:7076\/healthz/);
    expect(argv!.join(' ')).toContain('process.env.NANO_ACCESS_HEALTHZ_URL');
  });

  it("caps V8's young generation through NODE_OPTIONS, as the systemd unit does (docs/operations.md, \"Memory\")", () => {
    // Only node's command line or NODE_OPTIONS can set it: V8 sizes the young generation once.
    const options = all(run, 'ENV')
      .map((i) => /^NODE_OPTIONS=(\S+)$/.exec(i.args)?.[1])
      .filter((value) => value !== undefined);
    expect(options).toEqual(['--max-semi-space-size=4']);
    const unit = readFileSync(join(repoRoot, 'deploy/systemd/nano-access.service'), 'utf8');
    expect(unit).toMatch(new RegExp(`^Environment=NODE_OPTIONS=${options[0]}$`, 'm'));
  });

  it('keeps build output and dependencies of the host out of the build context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', '**/dist']));
  });
});
