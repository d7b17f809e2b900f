import { loadPolicy, type Catalog } from '@nano-access/resolver';
import { tinyCatalog } from './helpers/catalogs';

const documentedSample = `[[role]]
id = "service_admin"
allow = "api_service_register, api_service_stop"

[[user]]
id = "user-2bb818ee-6424-4750-8bdb-db23bab7bc57"
roles = "service_admin"
allow = "wallet_seed_change, api_topic_confirmation"
deny = "api_account_weight"

[[user]]
id = "history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b"
allow = "api_account_info, api_account_history"
bare = true
`;

describe('loadPolicy: parse and compile in one call', () => {
  it('loads the documented sample of the reference docs', () => {
    const { policy, diagnostics } = loadPolicy(documentedSample);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(policy!.check('history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b', 'api_account_info')).toBe(true);
    expect(policy!.check('history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b', 'api_account_weight')).toBe(false);
    expect(policy!.check('user-2bb818ee-6424-4750-8bdb-db23bab7bc57', 'api_service_stop')).toBe(true);
  });

  it('gives an empty file the default user alone with the catalog defaults', () => {
    const { policy, diagnostics } = loadPolicy('');
    expect(diagnostics).toEqual([]);
    expect(policy!.effective(undefined)).toEqual(['api_account_weight']);
    expect(policy!.userCount).toBe(0);
  });

  it('accepts the TOML array form of permission lists', () => {
    const { policy } = loadPolicy(
      '[[user]]\nid = "k-0123456789abcdef"\nallow = ["wallet_read", "node_query"]\nbare = true\n',
    );
    expect(policy!.effective('k-0123456789abcdef')).toContain('node_query');
  });

  it('yields no policy for a file with a TOML syntax error', () => {
    const { policy, diagnostics } = loadPolicy('[[user]\nid = 1', { file: 'broken.toml' });
    expect(policy).toBeNull();
    expect(diagnostics[0]).toMatchObject({ file: 'broken.toml', severity: 'error' });
  });

  it('yields no policy when the parser reports an error the compiler would not (default-user order)', () => {
    const { policy, diagnostics } = loadPolicy('[[user]]\nid = "k-0123456789abcdef"\n\n[[user]]\nallow = "wallet"\n');
    expect(policy).toBeNull();
    expect(diagnostics.map((d) => d.ruleId)).toContain('default-user-order');
  });

  it('merges parser and compile diagnostics, sorted by position, with the file name', () => {
    const { policy, diagnostics } = loadPolicy(
      '[[user]]\nid = "k-0123456789abcdef"\nallow = "wallet_raed"\nroles = "nobody"\ncolour = 1\n',
      { file: 'a.toml' },
    );
    expect(policy).toBeNull();
    expect(diagnostics.map((d) => [d.ruleId, d.span.start.line])).toEqual([
      ['unknown-permission', 3],
      ['unknown-role', 4],
      ['unknown-key', 5],
    ]);
    expect(diagnostics.every((d) => d.file === 'a.toml')).toBe(true);
  });

  it('keeps a policy when there are only warnings', () => {
    const { policy, diagnostics } = loadPolicy(
      '[[user]]\nid = "k-0123456789abcdef"\nbare = "true"\nallow = "wallet_read,"\n',
    );
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(policy!.effective('k-0123456789abcdef')).toEqual(expect.arrayContaining(['wallet_read']));
    expect(policy!.check('k-0123456789abcdef', 'api_account_weight')).toBe(false);
  });

  it('uses the catalog it is given', () => {
    const catalog: Catalog = tinyCatalog;
    const { policy } = loadPolicy('[[user]]\nallow = "admin"\n', { catalog });
    expect(policy!.effective('')).toEqual(['admin', 'audit', 'audit_read', 'ping', 'read', 'write']);
    expect(loadPolicy('[[user]]\nallow = "wallet"\n', { catalog }).policy).toBeNull();
  });
});
