import { defaultRpcConfig, parseRpcConfig } from '@nano-access/gateway';

const parse = (text: string) => parseRpcConfig(text, { file: 'config-rpc.toml', baseDir: '/data' });

describe('config-rpc.toml: [response_caps], [cache], legacy_get', () => {
  it('leaves every protection off by default', () => {
    const { config } = parse('');
    expect(config?.responseCaps).toEqual(defaultRpcConfig().responseCaps);
    expect(config).toMatchObject({
      responseCaps: { enable: false, mode: 'clamp', maxCount: 1000, maxAccounts: 1000, maxHashes: 1000 },
      cache: { enable: false, ttl: {}, maxEntries: 10000, maxBytes: 16 * 1024 * 1024 },
      legacyGet: false,
    });
  });

  it('reads the tables', () => {
    const { config, diagnostics } = parse(
      [
        'legacy_get = true',
        '[response_caps]',
        'enable = true',
        'mode = "refuse"',
        'max_count = 500',
        'max_accounts = 100',
        '[response_caps.count]',
        'account_history = 200',
        '[cache]',
        'enable = true',
        'max_entries = 50',
        '[cache.ttl]',
        'block_count = 1',
        'representatives_online = 0.5',
      ].join('\n'),
    );
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      legacyGet: true,
      responseCaps: {
        enable: true,
        mode: 'refuse',
        maxCount: 500,
        maxAccounts: 100,
        maxHashes: 1000,
        countByAction: { account_history: 200 },
      },
      cache: { enable: true, maxEntries: 50, ttl: { block_count: 1, representatives_online: 0.5 } },
    });
  });

  it('refuses a cached action that is not on the allow-list, at its key', () => {
    const { config, diagnostics } = parse(
      '[cache]\nenable = true\n[cache.ttl]\nblock_count = 1\n  wallet_balances = 5\n',
    );
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'error',
      messageId: 'notCacheable',
      span: { start: { line: 5, column: 3 } },
    });
    expect(diagnostics[0].message).toContain('"wallet_balances" cannot be cached');
  });

  it('refuses a count cap for an action without a count, at its key', () => {
    const { config, diagnostics } = parse('[response_caps]\nenable = true\n[response_caps.count]\nblock_count = 5\n');
    expect(config).toBeNull();
    expect(diagnostics[0]).toMatchObject({ messageId: 'notCappable', span: { start: { line: 4, column: 1 } } });
  });

  it('warns when the cache is on but caches nothing', () => {
    const { config, diagnostics } = parse('[cache]\nenable = true\n');
    expect(config).not.toBeNull();
    expect(diagnostics).toMatchObject([
      { severity: 'warning', messageId: 'cacheWithoutActions', span: { start: { line: 2, column: 1 } } },
    ]);
  });

  it('refuses a bad mode and a TTL of 0 through the schema', () => {
    expect(parse('[response_caps]\nmode = "trim"\n').config).toBeNull();
    expect(parse('[cache.ttl]\nblock_count = 0\n').config).toBeNull();
  });
});
