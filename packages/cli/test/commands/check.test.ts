import { writeFileSync } from 'node:fs';
import { runCli, tempDir } from '../helpers/run-cli';

const WALLET_USER = 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57';
const VIEWER = 'history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b';

const policy = `
[[role]]
id = "service_admin"
allow = "api_service_register, api_service_stop"

[[user]]
id = "${WALLET_USER}"
roles = "service_admin"
allow = "wallet_seed_change, api_topic_confirmation"
deny = "api_account_weight"

[[user]]
id = "${VIEWER}"
allow = "api_account_info, api_account_history"
bare = true
`;

describe('nano-access check', () => {
  const files = tempDir({ 'config-access.toml': policy, 'broken.toml': '[[user]]\nallow = "walet_read"\n' });
  afterAll(() => files.cleanup());

  it('exits 0 and says allowed for a permission a role grants', async () => {
    const run = await runCli([
      'check',
      '--config',
      files.path('config-access.toml'),
      '--user',
      WALLET_USER,
      '--permission',
      'api_service_stop',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^allowed: api_service_stop/);
  });

  it('exits 1 for a permission the user denies', async () => {
    const run = await runCli([
      'check',
      '-c',
      files.path('config-access.toml'),
      '-u',
      WALLET_USER,
      '-p',
      'api_account_weight',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^denied: api_account_weight/);
  });

  it('checks the default user when --user is absent or empty', async () => {
    const absent = await runCli(['check', '-c', files.path('config-access.toml'), '-p', 'api_account_weight']);
    const empty = await runCli(['check', '-c', files.path('config-access.toml'), '-u', '', '-p', 'api_account_weight']);
    expect(absent.code).toBe(0);
    expect(empty.code).toBe(0);
    expect(absent.stdout).toContain('the default user');
  });

  it('denies everything to unknown credentials', async () => {
    const run = await runCli([
      'check',
      '-c',
      files.path('config-access.toml'),
      '-u',
      'nobody-at-all',
      '-p',
      'api_account_weight',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      user: { kind: 'unknown' },
      permission: 'api_account_weight',
      allowed: false,
    });
  });

  it('does not give a bare user the default permissions', async () => {
    const run = await runCli([
      'check',
      '-c',
      files.path('config-access.toml'),
      '-u',
      VIEWER,
      '-p',
      'api_account_weight',
    ]);
    expect(run.code).toBe(1);
  });

  it('never prints the full user id', async () => {
    const run = await runCli([
      'check',
      '-c',
      files.path('config-access.toml'),
      '-u',
      WALLET_USER,
      '-p',
      'wallet_seed_change',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(WALLET_USER);
    expect(run.stdout).toContain('bc57');
  });

  it('exits 2 with file:line:col and the rule id when the file has errors', async () => {
    const run = await runCli(['check', '-c', files.path('broken.toml'), '-p', 'wallet_read']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${files.path('broken.toml')}:2:`);
    expect(run.stderr).toContain('[unknown-permission]');
    expect(run.stderr).toContain('NA_CLI_POLICY_INVALID');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 and suggests a near name for an unknown --permission', async () => {
    const run = await runCli(['check', '-c', files.path('config-access.toml'), '-p', 'wallet_raed']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Did you mean "wallet_read"?');
    expect(run.stderr).toContain('NA_CLI_PERMISSION_UNKNOWN');
  });

  it('exits 2 when the access file cannot be read', async () => {
    const run = await runCli(['check', '-c', files.path('missing.toml'), '-p', 'wallet_read']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ENOENT');
    expect(run.stderr).toContain('NA_CLI_FILE_UNREADABLE');
  });

  it("exits 2 with the line and column when the access file is not UTF-8 (the servers' reader)", async () => {
    writeFileSync(
      files.path('latin1.toml'),
      Buffer.concat([Buffer.from(`${policy}# caf`), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const run = await runCli(['check', '-c', files.path('latin1.toml'), '-p', 'wallet_read']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/latin1\.toml:16:6: error: The file is not valid UTF-8/);
    expect(run.stderr).toContain('(NA_RELOAD_NOT_UTF8)');
  });

  it('exits 2 on a usage error', async () => {
    const run = await runCli(['check', '-c', files.path('config-access.toml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--permission');
  });

  it('accepts a custom catalog', async () => {
    const catalog = JSON.stringify({
      name: 'tiny',
      permissions: [
        { name: 'read', description: 'read things', implies: [] },
        { name: 'write', description: 'write things', implies: ['read'] },
      ],
      defaults: ['read'],
      messages: {},
    });
    const dir = tempDir({
      'catalog.json': catalog,
      'access.toml': '[[user]]\nid = "writer-0123456789abcdef"\nallow = "write"\n',
    });
    try {
      const run = await runCli([
        'check',
        '-c',
        dir.path('access.toml'),
        '--catalog',
        dir.path('catalog.json'),
        '-u',
        'writer-0123456789abcdef',
        '-p',
        'read',
      ]);
      expect(run.code).toBe(0);
    } finally {
      dir.cleanup();
    }
  });

  it('exits 2 on an invalid catalog', async () => {
    const dir = tempDir({
      'catalog.json':
        '{"name": "bad", "permissions": [{"name": "a", "description": "", "implies": ["ghost"]}], "defaults": [], "messages": {}}',
    });
    try {
      const run = await runCli(['check', '-c', dir.path('x.toml'), '--catalog', dir.path('catalog.json'), '-p', 'a']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('NA_CLI_CATALOG_INVALID');
    } finally {
      dir.cleanup();
    }
  });
});
