import { createGateway, DEFAULT_MAX_BUCKETS, GatewayError, parseRpcConfig } from '@nano-access/gateway';
import { createEmbeddedBackend, Dispatcher } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_TEXT, LEDGER, REPO } from '../helpers/fixtures';

const parse = (text: string) => parseRpcConfig(text, { file: 'config-rpc.toml', baseDir: '/data' });

const EXAMPLE = [
  '[rate_limit]',
  'enable = true',
  'max_buckets = 5000',
  '',
  '[rate_limit.default]',
  'rate = 2',
  'burst = 10',
  '',
  '[rate_limit.global]',
  'rate = 500',
  'burst = 1000',
  '',
  '[[rate_limit.tier]]',
  'permission = "wallet_write"',
  'rate = 50',
  'burst = 100',
  '',
  '[[rate_limit.tier]]',
  'permission = "account_query"',
  'rate = 0.5',
  'burst = 20',
].join('\n');

describe('config-rpc.toml: [rate_limit]', () => {
  it('leaves rate limits off by default, and off while enable is not true', () => {
    expect(parse('').config?.rateLimit).toBeNull();
    expect(parse(EXAMPLE.replace('enable = true', 'enable = false')).config?.rateLimit).toBeNull();
  });

  it('reads the default, the global ceiling and the tiers in file order', () => {
    const { config, diagnostics } = parse(EXAMPLE);
    expect(diagnostics).toEqual([]);
    expect(config?.rateLimit).toEqual({
      tiers: [
        { permission: 'wallet_write', rate: 50, burst: 100 },
        { permission: 'account_query', rate: 0.5, burst: 20 },
      ],
      defaultUser: { rate: 2, burst: 10 },
      global: { rate: 500, burst: 1000 },
      maxBuckets: 5000,
    });
    const bare = parse('[rate_limit]\nenable = true\n[rate_limit.default]\nrate = 1\nburst = 1\n').config?.rateLimit;
    expect(bare).toEqual({ tiers: [], defaultUser: { rate: 1, burst: 1 }, maxBuckets: DEFAULT_MAX_BUCKETS });
  });

  it('reads the commented example of the fixture config-rpc.toml once uncommented', () => {
    const text = readFileSync(join(REPO, 'fixtures', 'data', 'config-rpc.toml'), 'utf8');
    const block = text.slice(text.indexOf('# [rate_limit]'));
    const uncommented = block.replace(/^# ?/gm, '');
    const { config, diagnostics } = parse(uncommented);
    expect(diagnostics).toEqual([]);
    expect(config?.rateLimit?.tiers.map((tier) => tier.permission)).toEqual(['wallet_write', 'account_query']);
  });

  it('refuses a tier that names a permission the catalog does not have (a role name, say), at its value', () => {
    const { config, diagnostics } = parse(
      EXAMPLE.replace('permission = "account_query"', 'permission = "acount_query"'),
    );
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'error',
      messageId: 'unknownTierPermission',
      file: 'config-rpc.toml',
      span: { start: { line: 19, column: 14 } },
    });
    expect(diagnostics[0].message).toContain('Did you mean "account_query"?');
  });

  it('refuses enable = true without [rate_limit.default], at enable', () => {
    const { config, diagnostics } = parse('[rate_limit]\nenable = true\n');
    expect(config).toBeNull();
    expect(diagnostics).toMatchObject([
      { messageId: 'rateLimitWithoutDefault', span: { start: { line: 2, column: 1 } } },
    ]);
  });

  it('refuses a rate of 0, a fractional burst, a tier without a permission and unknown keys, with line and column', () => {
    for (const [text, line] of [
      ['[rate_limit.default]\nrate = 0\nburst = 1\n', 2],
      ['[rate_limit.default]\nrate = 1\nburst = 1.5\n', 3],
      ['[[rate_limit.tier]]\nrate = 1\nburst = 1\n', 1],
      ['[rate_limit]\nenable = true\nper_minute = 5\n', 3],
    ] as const) {
      const { config, diagnostics } = parse(text);
      expect(config).toBeNull();
      expect(diagnostics[0]).toMatchObject({ severity: 'error', span: { start: { line } } });
    }
  });

  it('will not build a gateway whose dispatcher would leave a configured limit unenforced', async () => {
    const { config } = parse(EXAMPLE);
    const backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
    const store = PolicyStore.fromText(ACCESS_TEXT);
    const dispatcher = new Dispatcher({ policy: store, backend });
    try {
      expect(() => createGateway({ dispatcher, store, config: config! })).toThrow(GatewayError);
    } finally {
      dispatcher.close();
      await backend.close();
      await store.close();
    }
  });
});
