import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNodeConfig, parseNodeConfig, resolveSocketPath } from '../src/node-config';
import { makeTempDir } from './helpers';

const FIXTURE_DIR = path.resolve(__dirname, '../../../fixtures/data');

describe('config-node.toml', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  function parse(text: string) {
    return parseNodeConfig(text, { file: 'config-node.toml', dataDir: temp.dir });
  }

  it('gives the defaults of docs/wire.md for a missing file', () => {
    const { config, diagnostics } = loadNodeConfig(temp.dir);
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      ipc: {
        local: { enable: false, path: '/tmp/nano', ioTimeout: 15, allowUnsafe: false, mode: 0o600 },
        tcp: {
          enable: false,
          address: '127.0.0.1',
          port: 7077,
          ioTimeout: 15,
          allowUnsafe: false,
          accessCheck: false,
          accessFile: '',
        },
        maxFrameBytes: 1048576,
        maxConnections: 1024,
        maxServicesPerConnection: 16,
        maxInflightBytes: 33554432,
        maxQueuedEventBytes: 33554432,
      },
      backend: { type: 'embedded', ledger: path.join(temp.dir, 'ledger.json') },
      accessPolicy: null,
    });
  });

  it('reads every key', () => {
    const { config, diagnostics } = parse(`
[node.ipc]
max_frame_bytes = 4096
max_connections = 8
max_services_per_connection = 4
max_inflight_bytes = 65536
max_queued_event_bytes = 131072

[node.ipc.local]
enable = true
path = "/run/nano/ipc"
io_timeout = 2.5
allow_unsafe = true
mode = "0660"
max_connections = 4

[node.ipc.tcp]
enable = true
port = 17077
io_timeout = 3
allow_unsafe = false
address = "::1"
access_check = true
access_file = "secret"

[backend]
type = "node-rpc"
url = "http://127.0.0.1:7076"
timeout = 5
websocket = "ws://127.0.0.1:7078"
max_response_bytes_in_flight = 33554432

[access_policy]
max_file_bytes = 1000000
read_timeout = 2.5
allow_insecure_permissions = true
`);
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      ipc: {
        local: {
          enable: true,
          path: '/run/nano/ipc',
          ioTimeout: 2.5,
          allowUnsafe: true,
          mode: 0o660,
          maxConnections: 4,
        },
        tcp: {
          enable: true,
          address: '::1',
          port: 17077,
          ioTimeout: 3,
          allowUnsafe: false,
          accessCheck: true,
          accessFile: path.join(temp.dir, 'secret'),
        },
        maxFrameBytes: 4096,
        maxConnections: 8,
        maxServicesPerConnection: 4,
        maxInflightBytes: 65536,
        maxQueuedEventBytes: 131072,
      },
      backend: {
        type: 'node-rpc',
        url: 'http://127.0.0.1:7076',
        timeout: 5,
        websocket: 'ws://127.0.0.1:7078',
        maxResponseBytesInFlight: 33554432,
      },
      accessPolicy: { maxFileBytes: 1000000, readTimeoutMs: 2500, allowInsecurePermissions: true },
    });
  });

  it('refuses an [access_policy] value out of range, with its line and column', () => {
    const { config, diagnostics } = parse('[access_policy]\nmax_file_bytes = 0\nread_timeout = -1\n');
    expect(config).toBeNull();
    expect(diagnostics.map((d) => [d.ruleId, d.span.start.line])).toEqual([
      ['invalid-type', 2],
      ['invalid-type', 3],
    ]);
  });

  it('reports an unknown key with its line and column, and a suggestion', () => {
    const { config, diagnostics } = parse('[node.ipc.tcp]\nenable = true\nprot = 7077\n');
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'error',
      file: 'config-node.toml',
      span: { start: { line: 3, column: 1 } },
    });
    expect(diagnostics[0].message).toMatch(/prot/);
    expect(diagnostics[0].message).toMatch(/port/);
  });

  it('reports a wrong type with its line and column', () => {
    const { config, diagnostics } = parse('[node.ipc.local]\nenable = "yes"\n');
    expect(config).toBeNull();
    expect(diagnostics[0].span.start.line).toBe(2);
  });

  it.each([
    ['a mode that is not octal', '[node.ipc.local]\nmode = "rw-------"\n', 2],
    ['a port out of range', '[node.ipc.tcp]\nport = 70000\n', 2],
    ['a zero io_timeout', '[node.ipc.tcp]\nio_timeout = 0\n', 2],
    ['a zero max_frame_bytes', '[node.ipc]\nmax_frame_bytes = 0\n', 2],
    ['a zero max_connections on a transport', '[node.ipc.tcp]\nmax_connections = 0\n', 2],
    [
      'max_inflight_bytes under twice max_frame_bytes',
      '[node.ipc]\nmax_frame_bytes = 4096\nmax_inflight_bytes = 8191\n',
      3,
    ],
    ['a max_frame_bytes over half the default max_inflight_bytes', '[node.ipc]\n\nmax_frame_bytes = 16777217\n', 3],
    ['a max_queued_event_bytes under 1 KiB', '[node.ipc]\nmax_queued_event_bytes = 1000\n', 2],
    ['an unknown backend type', '[backend]\ntype = "magic"\n', 2],
    ['access_check without access_file', '[node.ipc.tcp]\n\naccess_check = true\n', 3],
    ['a url for the embedded backend', '[backend]\nurl = "http://x"\n', 2],
    ['a websocket for the embedded backend', '[backend]\ntype = "embedded"\nwebsocket = "ws://x"\n', 3],
    ['max_response_bytes_in_flight for the embedded backend', '[backend]\nmax_response_bytes_in_flight = 2097152\n', 2],
    [
      'a max_response_bytes_in_flight under 1 MiB',
      '[backend]\ntype = "node-rpc"\nurl = "http://x"\nmax_response_bytes_in_flight = 1000\n',
      4,
    ],
    [
      'a websocket that is not ws: or wss:',
      '[backend]\ntype = "node-rpc"\nurl = "http://x"\nwebsocket = "http://x"\n',
      4,
    ],
  ])('refuses %s', (_name, text, line) => {
    const { config, diagnostics } = parse(text);
    expect(config).toBeNull();
    expect(diagnostics[0].span.start.line).toBe(line);
  });

  it('explains a max_inflight_bytes too small for max_frame_bytes, at the key', () => {
    const { config, diagnostics } = parse('[node.ipc]\nmax_frame_bytes = 4096\nmax_inflight_bytes = 8000\n');
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      messageId: 'inflightBelowFrames',
      span: { start: { line: 3, column: 1 }, end: { line: 3, column: 19 } },
    });
    expect(diagnostics[0].message).toBe(
      'max_inflight_bytes (8000) must be at least twice max_frame_bytes (4096): frames still arriving may hold half of it, and one of max_frame_bytes must fit there.',
    );
  });

  it('reports a TOML syntax error with its position', () => {
    const { config, diagnostics } = parse('[node.ipc\n');
    expect(config).toBeNull();
    expect(diagnostics[0].span.start.line).toBe(1);
  });

  it('resolves {tmpdir} and relative socket paths against the OS temp dir', () => {
    expect(resolveSocketPath('{tmpdir}/nano.sock')).toBe(path.join(os.tmpdir(), 'nano.sock'));
    expect(resolveSocketPath('nano.sock')).toBe(path.join(os.tmpdir(), 'nano.sock'));
    expect(resolveSocketPath('/var/run/nano')).toBe('/var/run/nano');
  });

  it('loads the bundled fixture: TCP on 127.0.0.1:7077 and a socket under the OS temp dir', () => {
    const { config, diagnostics } = loadNodeConfig(FIXTURE_DIR);
    expect(diagnostics).toEqual([]);
    expect(config?.ipc.tcp).toMatchObject({ enable: true, address: '127.0.0.1', port: 7077 });
    expect(config?.ipc.local.enable).toBe(true);
    expect(config?.ipc.local.path.startsWith(os.tmpdir())).toBe(true);
    expect(config?.backend).toEqual({ type: 'embedded', ledger: path.join(FIXTURE_DIR, 'ledger.json') });
  });

  it('reports an unreadable config file as a fatal diagnostic', () => {
    fs.mkdirSync(path.join(temp.dir, 'config-node.toml'));
    const { config, diagnostics } = loadNodeConfig(temp.dir);
    expect(config).toBeNull();
    expect(diagnostics[0]).toMatchObject({ fatal: true, messageId: 'unreadable' });
  });
});
