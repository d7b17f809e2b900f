import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTomlConfig, type Diagnostic, type Span } from '@nano-access/parser';
import { DEFAULT_MAX_SERVICES_PER_SESSION, isJsonObject } from '@nano-access/protocol';
import { accessPolicySettings, type AccessPolicySettings } from '@nano-access/reloader';
import { nodeConfigSchema } from './node-config-schema';

/** The unix domain socket transport ([node.ipc.local]). */
export interface LocalTransportConfig {
  enable: boolean;
  /** Absolute path of the socket ({tmpdir} and relative paths resolved against the OS temp dir). */
  path: string;
  /** Seconds a partial frame may stall. */
  ioTimeout: number;
  allowUnsafe: boolean;
  /** File mode of the socket, e.g. 0o600. */
  mode: number;
  /** Open connections at most on this transport; absent: `ipc.maxConnections`. */
  maxConnections?: number;
}

/** The TCP transport ([node.ipc.tcp]). */
export interface TcpTransportConfig {
  enable: boolean;
  address: string;
  port: number;
  ioTimeout: number;
  allowUnsafe: boolean;
  accessCheck: boolean;
  /** Absolute path of the shared secret ("" when the check is off); relative paths resolve against the data dir. */
  accessFile: string;
  /** Open connections at most on this transport; absent: `ipc.maxConnections`. */
  maxConnections?: number;
}

/** Where answers come from ([backend], an extension of this project). */
export type BackendConfig =
  | { type: 'embedded'; /** Absolute path of the ledger JSON. */ ledger: string }
  | {
      type: 'node-rpc';
      url: string;
      /** Seconds. */
      timeout: number;
      /** The node's WebSocket (ws://host:7078), for relaying confirmations; absent: none are relayed. */
      websocket?: string;
      /** The most bytes of node answers held at once, all requests together. */
      maxResponseBytesInFlight: number;
    };

export interface NodeConfig {
  ipc: {
    local: LocalTransportConfig;
    tcp: TcpTransportConfig;
    maxFrameBytes: number;
    /** Open connections at most, per transport (a transport's own maxConnections wins). */
    maxConnections: number;
    /** The most service names one connection may hold with ServiceRegister. */
    maxServicesPerConnection: number;
    /** Bytes of requests received in part or whole and not yet answered, over the whole server. */
    maxInflightBytes: number;
    /** Bytes of events queued for subscribers and not yet taken by the kernel, over the whole server. */
    maxQueuedEventBytes: number;
  };
  backend: BackendConfig;
  /** How `serve` reads config-access.toml ([access_policy], an extension); null when not written (every default). */
  accessPolicy: AccessPolicySettings | null;
}

export const NODE_CONFIG_FILE = 'config-node.toml';

export const nodeConfigDefaults = {
  localPath: '/tmp/nano',
  ioTimeout: 15,
  mode: 0o600,
  address: '127.0.0.1',
  port: 7077,
  maxFrameBytes: 1048576,
  maxConnections: 1024,
  maxServicesPerConnection: DEFAULT_MAX_SERVICES_PER_SESSION,
  maxInflightBytes: 32 * 1024 * 1024,
  maxQueuedEventBytes: 32 * 1024 * 1024,
  ledger: 'ledger.json',
  rpcTimeout: 10,
  maxResponseBytesInFlight: 64 * 1024 * 1024,
} as const;

/** The placeholder a socket path may start with, replaced by the OS temp dir. */
export const TMPDIR_PLACEHOLDER = '{tmpdir}';

/**
 * `{tmpdir}/x` and relative paths resolve against the OS temp dir, so a
 * bundled config works on any machine; absolute paths are kept.
 */
export function resolveSocketPath(configured: string): string {
  let p = configured;
  if (p.startsWith(TMPDIR_PLACEHOLDER)) p = os.tmpdir() + p.slice(TMPDIR_PLACEHOLDER.length);
  return path.isAbsolute(p) ? path.normalize(p) : path.resolve(os.tmpdir(), p);
}

type Table = Record<string, unknown>;

function table(value: unknown): Table {
  return isJsonObject(value) ? value : {};
}

function pick<T>(t: Table, key: string, fallback: T): T {
  return t[key] === undefined ? fallback : (t[key] as T);
}

/** The config every key at its default (a missing config-node.toml). */
export function defaultNodeConfig(dataDir: string): NodeConfig {
  return buildConfig({}, dataDir);
}

function buildConfig(raw: Table, dataDir: string): NodeConfig {
  const ipc = table(table(raw.node).ipc);
  const local = table(ipc.local);
  const tcp = table(ipc.tcp);
  const backend = table(raw.backend);
  const accessFile = pick(tcp, 'access_file', '');
  const backendType = pick<string>(backend, 'type', 'embedded');
  return {
    ipc: {
      local: {
        enable: pick(local, 'enable', false),
        path: resolveSocketPath(pick(local, 'path', nodeConfigDefaults.localPath)),
        ioTimeout: pick(local, 'io_timeout', nodeConfigDefaults.ioTimeout),
        allowUnsafe: pick(local, 'allow_unsafe', false),
        mode: parseInt(pick(local, 'mode', '0600'), 8),
        ...ownMaxConnections(local),
      },
      tcp: {
        enable: pick(tcp, 'enable', false),
        address: pick(tcp, 'address', nodeConfigDefaults.address),
        port: pick(tcp, 'port', nodeConfigDefaults.port),
        ioTimeout: pick(tcp, 'io_timeout', nodeConfigDefaults.ioTimeout),
        allowUnsafe: pick(tcp, 'allow_unsafe', false),
        accessCheck: pick(tcp, 'access_check', false),
        accessFile: accessFile === '' ? '' : path.resolve(dataDir, accessFile),
        ...ownMaxConnections(tcp),
      },
      maxFrameBytes: pick(ipc, 'max_frame_bytes', nodeConfigDefaults.maxFrameBytes),
      maxConnections: pick(ipc, 'max_connections', nodeConfigDefaults.maxConnections),
      maxServicesPerConnection: pick(ipc, 'max_services_per_connection', nodeConfigDefaults.maxServicesPerConnection),
      maxInflightBytes: pick(ipc, 'max_inflight_bytes', nodeConfigDefaults.maxInflightBytes),
      maxQueuedEventBytes: pick(ipc, 'max_queued_event_bytes', nodeConfigDefaults.maxQueuedEventBytes),
    },
    backend:
      backendType === 'node-rpc'
        ? {
            type: 'node-rpc',
            url: pick(backend, 'url', 'http://127.0.0.1:7076'),
            timeout: pick(backend, 'timeout', nodeConfigDefaults.rpcTimeout),
            ...(typeof backend.websocket === 'string' ? { websocket: backend.websocket } : {}),
            maxResponseBytesInFlight: pick(
              backend,
              'max_response_bytes_in_flight',
              nodeConfigDefaults.maxResponseBytesInFlight,
            ),
          }
        : { type: 'embedded', ledger: path.resolve(dataDir, pick(backend, 'ledger', nodeConfigDefaults.ledger)) },
    accessPolicy: raw.access_policy === undefined ? null : accessPolicySettings(raw.access_policy),
  };
}

function ownMaxConnections(transport: Table): { maxConnections?: number } {
  return typeof transport.max_connections === 'number' ? { maxConnections: transport.max_connections } : {};
}

/** A config-node diagnostic at `span` (the key a value the schema accepts but the server cannot use is written at). */
function keyDiagnostic(span: Span, file: string, message: string, messageId: string): Diagnostic {
  return { ruleId: 'config-node', severity: 'error', message, messageId, file, span };
}

/** Reads config-node.toml from text. Never throws on bad input. */
export function parseNodeConfig(
  text: string,
  options: { file: string; dataDir: string },
): { config: NodeConfig | null; diagnostics: Diagnostic[] } {
  const parsed = parseTomlConfig(text, { file: options.file, schema: nodeConfigSchema });
  const diagnostics = [...parsed.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error') || parsed.value === null) return { config: null, diagnostics };
  const raw = table(parsed.value);
  const ipc = table(table(raw.node).ipc);
  const tcp = table(ipc.tcp);
  const backend = table(raw.backend);
  if (tcp.access_check === true && (typeof tcp.access_file !== 'string' || tcp.access_file === '')) {
    diagnostics.push(
      keyDiagnostic(
        parsed.locate(['node', 'ipc', 'tcp', 'access_check'], 'key'),
        options.file,
        'access_check = true needs access_file, the path of the shared secret.',
        'accessFileMissing',
      ),
    );
  }
  if (backend.type === 'node-rpc' && typeof backend.url !== 'string') {
    diagnostics.push(
      keyDiagnostic(
        parsed.locate(['backend', 'type'], 'key'),
        options.file,
        'A node-rpc backend needs url, the node RPC address (http://host:port).',
        'backendUrlMissing',
      ),
    );
  }
  const rpcOnlyKey = ['url', 'timeout', 'websocket', 'max_response_bytes_in_flight'].find(
    (key) => backend[key] !== undefined,
  );
  if (backend.type !== 'node-rpc' && rpcOnlyKey !== undefined) {
    diagnostics.push(
      keyDiagnostic(
        parsed.locate(['backend', rpcOnlyKey], 'key'),
        options.file,
        'url, timeout, websocket and max_response_bytes_in_flight apply only to type = "node-rpc".',
        'backendKeyUnused',
      ),
    );
  }
  if (backend.type === 'node-rpc' && backend.ledger !== undefined) {
    diagnostics.push(
      keyDiagnostic(
        parsed.locate(['backend', 'ledger'], 'key'),
        options.file,
        'ledger applies only to type = "embedded".',
        'backendKeyUnused',
      ),
    );
  }
  const maxFrameBytes = pick(ipc, 'max_frame_bytes', nodeConfigDefaults.maxFrameBytes);
  const maxInflightBytes = pick(ipc, 'max_inflight_bytes', nodeConfigDefaults.maxInflightBytes);
  if (maxInflightBytes < 2 * maxFrameBytes) {
    diagnostics.push(
      keyDiagnostic(
        parsed.locate(
          ['node', 'ipc', ipc.max_inflight_bytes !== undefined ? 'max_inflight_bytes' : 'max_frame_bytes'],
          'key',
        ),
        options.file,
        `max_inflight_bytes (${maxInflightBytes}) must be at least twice max_frame_bytes (${maxFrameBytes}): frames still arriving may hold half of it, and one of max_frame_bytes must fit there.`,
        'inflightBelowFrames',
      ),
    );
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { config: null, diagnostics };
  return { config: buildConfig(raw, options.dataDir), diagnostics };
}

/**
 * Loads DIR/config-node.toml. A missing file is every default (as the node
 * does); an unreadable or invalid one is diagnostics and a null config.
 */
export function loadNodeConfig(dataDir: string): { config: NodeConfig | null; diagnostics: Diagnostic[] } {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, NODE_CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { config: defaultNodeConfig(dir), diagnostics: [] };
    const position = { line: 1, column: 1, offset: 0 };
    return {
      config: null,
      diagnostics: [
        {
          ruleId: 'config-node',
          severity: 'error',
          message: `Cannot read ${file}: ${code ?? String(error)}.`,
          messageId: 'unreadable',
          file,
          span: { start: position, end: position },
          fatal: true,
        },
      ],
    };
  }
  return parseNodeConfig(text, { file, dataDir: dir });
}
