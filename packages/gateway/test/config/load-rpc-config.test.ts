import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRpcConfig, loadRpcConfig, parseRpcConfig } from '@nano-access/gateway';

describe('loadRpcConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every default when config-rpc.toml is missing', () => {
    const { config, diagnostics } = loadRpcConfig(dir);
    expect(diagnostics).toEqual([]);
    expect(config).toEqual(defaultRpcConfig());
    expect(config).toMatchObject({
      address: '127.0.0.1',
      port: 7076,
      enableControl: false,
      maxJsonDepth: 20,
      maxRequestSize: 32 * 1024 * 1024,
      maxRequestBytesInFlight: 64 * 1024 * 1024,
      headersTimeout: 10,
      requestTimeout: 30,
      keepAliveTimeout: 5,
      maxConnections: 1024,
      process: { ipcAddress: '127.0.0.1', ipcPort: 7077, numIpcConnections: 4, ipcMaxFrameBytes: 1024 * 1024 },
      logging: { logRpc: false },
      tls: { enable: false },
      metrics: { allow: ['127.0.0.0/8', '::1'] },
      accessPolicy: null,
    });
  });

  it('refuses a max_request_bytes_in_flight smaller than max_request_size, pointing at the key', () => {
    writeFileSync(join(dir, 'config-rpc.toml'), 'max_request_size = 2048\nmax_request_bytes_in_flight = 1024\n');
    const { config, diagnostics } = loadRpcConfig(dir);
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'error',
      messageId: 'bodyBudgetUnderRequestSize',
      span: { start: { line: 2, column: 1 } },
    });
  });

  it('reads every documented key, resolving relative paths against the data dir', () => {
    writeFileSync(
      join(dir, 'config-rpc.toml'),
      [
        'address = "::1"',
        'port = 8076',
        'enable_control = true',
        'max_json_depth = 5',
        'max_request_size = 1024',
        'max_request_bytes_in_flight = 4096',
        'headers_timeout = 3',
        'request_timeout = 60',
        'keep_alive_timeout = 2',
        'max_connections = 100',
        'legacy_denial_status = 403',
        '[process]',
        'ipc_address = "10.0.0.2"',
        'ipc_port = 9077',
        'num_ipc_connections = 2',
        'io_threads = 8',
        'ipc_max_frame_bytes = 65536',
        '[logging]',
        'log_rpc = true',
        '[tls]',
        'enable = true',
        'cert = "tls/cert.pem"',
        'key = "/etc/key.pem"',
        '[metrics]',
        'allow = ["10.0.0.0/8"]',
        '[access_policy]',
        'max_file_bytes = 1048576',
        'read_timeout = 5',
        'allow_insecure_permissions = true',
        '',
      ].join('\n'),
    );
    const { config, diagnostics } = loadRpcConfig(dir);
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      address: '::1',
      port: 8076,
      enableControl: true,
      maxJsonDepth: 5,
      maxRequestSize: 1024,
      maxRequestBytesInFlight: 4096,
      headersTimeout: 3,
      requestTimeout: 60,
      keepAliveTimeout: 2,
      maxConnections: 100,
      legacyDenialStatus: 403,
      process: { ipcAddress: '10.0.0.2', ipcPort: 9077, numIpcConnections: 2, ioThreads: 8, ipcMaxFrameBytes: 65536 },
      logging: { logRpc: true },
      tls: { enable: true, cert: join(dir, 'tls/cert.pem'), key: '/etc/key.pem' },
      metrics: { allow: ['10.0.0.0/8'] },
      accessPolicy: { maxFileBytes: 1048576, readTimeoutMs: 5000, allowInsecurePermissions: true },
    });
  });

  it('refuses an unknown key with its line and column', () => {
    writeFileSync(join(dir, 'config-rpc.toml'), 'port = 7076\n[process]\nipc_adress = "127.0.0.1"\n');
    const { config, diagnostics } = loadRpcConfig(dir);
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      ruleId: 'unknown-key',
      severity: 'error',
      span: { start: { line: 3, column: 1 } },
    });
    expect(diagnostics[0].message).toContain('ipc_address');
  });

  it('refuses a value of the wrong type', () => {
    const { config, diagnostics } = parseRpcConfig('enable_control = "yes"\n', {
      file: 'config-rpc.toml',
      baseDir: dir,
    });
    expect(config).toBeNull();
    expect(diagnostics[0]).toMatchObject({ ruleId: 'invalid-type', span: { start: { line: 1 } } });
  });

  it('refuses a connection limit or timeout of the wrong type or range, with line and column (of the value)', () => {
    const wrongType = parseRpcConfig('port = 7076\nheaders_timeout = "10"\n', {
      file: 'config-rpc.toml',
      baseDir: dir,
    });
    expect(wrongType.config).toBeNull();
    expect(wrongType.diagnostics).toHaveLength(1);
    expect(wrongType.diagnostics[0]).toMatchObject({
      ruleId: 'invalid-type',
      severity: 'error',
      span: { start: { line: 2, column: 19 } },
    });
    const tooSmall = parseRpcConfig('max_connections = 0\n', { file: 'config-rpc.toml', baseDir: dir });
    expect(tooSmall.config).toBeNull();
    expect(tooSmall.diagnostics[0]).toMatchObject({ severity: 'error', span: { start: { line: 1, column: 19 } } });
    const fractional = parseRpcConfig('keep_alive_timeout = 2.5\n', { file: 'config-rpc.toml', baseDir: dir });
    expect(fractional.config).toBeNull();
  });

  it('answers legacy denials 200 by default and accepts only 200 or 403 for legacy_denial_status', () => {
    expect(parseRpcConfig('', { file: 'config-rpc.toml', baseDir: dir }).config?.legacyDenialStatus).toBe(200);
    expect(
      parseRpcConfig('legacy_denial_status = 200\n', { file: 'config-rpc.toml', baseDir: dir }).config
        ?.legacyDenialStatus,
    ).toBe(200);
    const other = parseRpcConfig('legacy_denial_status = 401\n', { file: 'config-rpc.toml', baseDir: dir });
    expect(other.config).toBeNull();
    expect(other.diagnostics[0]).toMatchObject({ severity: 'error', span: { start: { line: 1 } } });
  });

  it('refuses headers_timeout over request_timeout (node:http would not start)', () => {
    const text = 'request_timeout = 5\nheaders_timeout = 20\n';
    const { config, diagnostics } = parseRpcConfig(text, { file: 'config-rpc.toml', baseDir: dir });
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      messageId: 'headersTimeoutOverRequestTimeout',
      span: { start: { line: 2, column: 1 } },
    });
    const againstDefault = parseRpcConfig('request_timeout = 5\n', { file: 'config-rpc.toml', baseDir: dir });
    expect(againstDefault.diagnostics[0]).toMatchObject({
      messageId: 'headersTimeoutOverRequestTimeout',
      span: { start: { line: 1 } },
    });
  });

  it('refuses TLS without a certificate, and metrics entries that are not addresses', () => {
    const text = '[tls]\nenable = true\n[metrics]\nallow = ["localhost"]\n';
    const { config, diagnostics } = parseRpcConfig(text, { file: 'config-rpc.toml', baseDir: dir });
    expect(config).toBeNull();
    expect(diagnostics.map((d) => [d.messageId, d.span.start.line])).toEqual([
      ['tlsMissingFile', 2],
      ['tlsMissingFile', 2],
      ['invalidAddress', 4],
    ]);
  });

  it('reports a TOML syntax error with its position', () => {
    const { config, diagnostics } = parseRpcConfig('port = \n', { file: 'config-rpc.toml', baseDir: dir });
    expect(config).toBeNull();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', span: { start: { line: 1 } } });
  });
});
