import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers/run-cli';

const bin = join(__dirname, '..', 'bin', 'nano-access.js');

describe('nano-access', () => {
  it('prints help and exits 0 with --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: nano-access');
    expect(run.stdout).toContain('check');
  });

  it('exits 2 on an unknown command', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });

  it('runs as a real binary and returns the exit code of the command', () => {
    // The documented "give access to everything" sample.
    const files = tempDir({ 'config-access.toml': '[[user]]\nallow = "unrestricted"\n' });
    try {
      const allowed = spawnSync(
        process.execPath,
        [bin, 'check', '--config', files.path('config-access.toml'), '--permission', 'wallet_seed_change'],
        { encoding: 'utf8' },
      );
      expect(allowed.stderr).toBe('');
      expect(allowed.status).toBe(0);
      expect(allowed.stdout).toMatch(/^allowed: wallet_seed_change/);
      const denied = spawnSync(
        process.execPath,
        [
          bin,
          'check',
          '--config',
          files.path('config-access.toml'),
          '--user',
          'not-a-user',
          '--permission',
          'wallet_read',
        ],
        { encoding: 'utf8' },
      );
      expect(denied.status).toBe(1);
    } finally {
      files.cleanup();
    }
  });
});
