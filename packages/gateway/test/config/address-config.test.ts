import { defaultRpcConfig, parseRpcConfig } from '@nano-access/gateway';

describe('config-rpc.toml [client_addresses] and [metrics]', () => {
  const parse = (text: string) => parseRpcConfig(text, { file: '/data/config-rpc.toml', baseDir: '/data' });

  it('serves every address by default, trusts no proxy, and answers /metrics on IP literals and localhost only', () => {
    expect(defaultRpcConfig().clientAddresses).toEqual({ allow: [], deny: [], trustProxy: [] });
    expect(defaultRpcConfig().metrics).toEqual({ allow: ['127.0.0.0/8', '::1'], allowedHosts: [] });
  });

  it('reads the lists', () => {
    const { config, diagnostics } = parse(
      '[client_addresses]\nallow = ["0.0.0.0/0", "::/0"]\ndeny = ["203.0.113.0/24", "2001:db8:bad::/48"]\n' +
        'trust_proxy = ["10.0.0.5", "::ffff:10.0.0.6"]\n\n[metrics]\nallow = ["10.0.0.0/8"]\nallowed_hosts = ["Node.Example.net"]\n',
    );
    expect(diagnostics).toEqual([]);
    expect(config?.clientAddresses).toEqual({
      allow: ['0.0.0.0/0', '::/0'],
      deny: ['203.0.113.0/24', '2001:db8:bad::/48'],
      trustProxy: ['10.0.0.5', '::ffff:10.0.0.6'],
    });
    expect(config?.metrics).toEqual({ allow: ['10.0.0.0/8'], allowedHosts: ['node.example.net'] });
  });

  it('reports each entry that is not an address or a CIDR block at its own line and column', () => {
    const { config, diagnostics } = parse(
      '[client_addresses]\nallow = ["10.0.0.0/8", "10.0.0.0/33"]\ndeny = [\n  "example.com",\n]\ntrust_proxy = ["1.2.3"]\n\n' +
        '[metrics]\nallow = ["::1/200"]\nallowed_hosts = ["http://x.example/"]\n',
    );
    expect(config).toBeNull();
    expect(diagnostics.map((d) => [d.messageId, d.span.start.line, d.span.start.column])).toEqual([
      ['invalidAddress', 2, 24],
      ['invalidAddress', 4, 3],
      ['invalidAddress', 6, 16],
      ['invalidAddress', 9, 10],
      ['invalidHost', 10, 18],
    ]);
    expect(diagnostics[0].message).toContain(
      '[client_addresses] allow: "10.0.0.0/33" is not an IP address or CIDR block',
    );
  });

  it('refuses an unknown key in the table, with its line', () => {
    const { config, diagnostics } = parse('[client_addresses]\ntrusted_proxies = ["10.0.0.5"]\n');
    expect(config).toBeNull();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', span: { start: { line: 2 } } });
  });
});
