import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..');
const unitText = readFileSync(join(repoRoot, 'deploy/systemd/nano-access.service'), 'utf8');
const INSTALLED_BINARY = '/usr/local/bin/nano-access';

const analyzePath = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const itIfAnalyze = analyzePath ? it : it.skip;
if (!analyzePath)
  console.warn(
    'systemd.test.ts: `systemd-analyze verify` is skipped: systemd-analyze is absent (apt-get install -y systemd).',
  );

/** key → values of one section (a key may repeat). */
function section(text: string, name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    if (current !== name) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

/** systemd-analyze verify on a copy of `text`; its exit code and what it printed about the unit. */
function verify(text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nano-access-unit-'));
  try {
    const file = join(dir, 'nano-access.service');
    writeFileSync(file, text);
    const result = spawnSync(analyzePath!, ['verify', file], {
      encoding: 'utf8',
      env: { ...process.env, SYSTEMD_LOG_COLOR: '0' },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The unit as installed on this machine: the binary is the repository's CLI, run by this node. */
const runnable = (text: string): string =>
  text.split(INSTALLED_BINARY).join(`${process.execPath} ${join(repoRoot, 'packages/cli/bin/nano-access.js')}`);

describe('deploy/systemd/nano-access.service', () => {
  const service = section(unitText, 'Service');
  const one = (key: string): string => {
    expect([key, service.get(key)?.length]).toEqual([key, 1]);
    return service.get(key)![0];
  };

  it('lints the access file before starting, serves the same data directory, reloads with SIGHUP', () => {
    const start = one('ExecStart');
    const [, dataDir] = /^\S+ serve --data (\S+)$/.exec(start)!;
    expect(start.startsWith(`${INSTALLED_BINARY} `)).toBe(true);
    expect(one('ExecStartPre')).toMatch(new RegExp(`^${INSTALLED_BINARY} lint .*${dataDir}/config-access\\.toml$`));
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
  });

  it('runs as a dedicated user, hardened, writing only its runtime directory (the unix socket)', () => {
    expect(one('User')).toBe('nano-access');
    expect(readFileSync(join(repoRoot, 'deploy/systemd/nano-access.sysusers'), 'utf8')).toMatch(/^u nano-access /m);
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['RuntimeDirectory', 'nano-access'],
    ]) {
      expect([key, one(key)]).toEqual([key, value]);
    }
    // ProtectSystem=strict leaves the RuntimeDirectory writable; nothing else needs to be.
    expect(service.get('ReadWritePaths')).toBeUndefined();
    expect(one('CapabilityBoundingSet')).toBe('');
  });

  itIfAnalyze(
    'passes systemd-analyze verify, with no warning about the unit, once ExecStart names a binary that exists',
    () => {
      const result = verify(runnable(unitText));
      expect(result).toEqual({ status: 0, output: '' });
    },
  );

  itIfAnalyze('is checked for real: verify reports a misspelt key and a missing binary', () => {
    expect(verify(runnable(unitText).replace('ProtectHome=yes', 'ProtectHomme=yes')).output).toMatch(
      /Unknown key .ProtectHomme./,
    );
    const missing = verify(unitText.split(INSTALLED_BINARY).join('/nonexistent/nano-access'));
    expect(missing.status).not.toBe(0);
    expect(missing.output).toMatch(/nonexistent\/nano-access/);
  });
});
