import { runCli, tempDir } from '../helpers/run-cli';

const ADMIN = 'admin-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

const policy = `
[[user]]
allow = "api_account_weight"

[[role]]
id = "wallet_admin"
allow = "wallet"

[[user]]
id = "${ADMIN}"
roles = "wallet_admin"
deny = "wallet_seed_change"
`;

describe('nano-access explain', () => {
  const files = tempDir({ 'config-access.toml': policy, 'broken.toml': 'user = 3\n' });
  afterAll(() => files.cleanup());

  it('prints the JSON shape with the derivation of a granted permission', async () => {
    const run = await runCli([
      'explain',
      '-c',
      files.path('config-access.toml'),
      '-u',
      ADMIN,
      '-p',
      'wallet_read',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.user).toEqual({ id: '…b1a0', kind: 'user' });
    expect(out.effective).toEqual([...out.effective].sort());
    expect(out.effective).toContain('wallet_read');
    expect(out.effective).not.toContain('wallet_seed_change');
    expect(out.permission.name).toBe('wallet_read');
    expect(out.permission.allowed).toBe(true);
    expect(out.permission.grants).toContainEqual({
      source: 'implied',
      by: 'wallet',
      via: { source: 'role', role: 'wallet_admin' },
    });
  });

  it('names the deny that removed a permission', async () => {
    const run = await runCli([
      'explain',
      '-c',
      files.path('config-access.toml'),
      '-u',
      ADMIN,
      '-p',
      'wallet',
      '--json',
    ]);
    const out = JSON.parse(run.stdout);
    expect(out.permission.allowed).toBe(false);
    expect(out.permission.denies.length).toBeGreaterThan(0);
    expect(out.permission.denies[0].permission).toBe('wallet_seed_change');
  });

  it('explains the default user when --user is absent', async () => {
    const run = await runCli(['explain', '-c', files.path('config-access.toml'), '--json']);
    const out = JSON.parse(run.stdout);
    expect(out.user.kind).toBe('default');
    expect(out.effective).toEqual(['api_account_weight']);
    expect(out.permission).toBeUndefined();
  });

  it('reports unknown credentials as unknown with no permissions', async () => {
    const run = await runCli(['explain', '-c', files.path('config-access.toml'), '-u', 'nope-nope-nope', '--json']);
    const out = JSON.parse(run.stdout);
    expect(out.user.kind).toBe('unknown');
    expect(out.effective).toEqual([]);
  });

  it('prints a readable derivation without --json', async () => {
    const run = await runCli(['explain', '-c', files.path('config-access.toml'), '-u', ADMIN, '-p', 'wallet_read']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wallet_read: allowed');
    expect(run.stdout).toContain('implied by wallet (role wallet_admin)');
    expect(run.stdout).not.toContain(ADMIN);
  });

  it('exits 2 with the diagnostics on stderr when the file has errors', async () => {
    const run = await runCli(['explain', '-c', files.path('broken.toml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.toml:1:\d+: error: .*\[invalid-type\]/);
    expect(run.stdout).toBe('');
  });
});
