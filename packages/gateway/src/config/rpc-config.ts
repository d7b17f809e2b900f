import type { RateLimitSettings } from '@nano-access/protocol';
import type { AccessPolicySettings } from '@nano-access/reloader';
import type { ClientAddressConfig } from '../http/client-address';

/** The gateway's configuration: config-rpc.toml, with every default filled in. */
export interface RpcConfig {
  /** Listen address. Loopback by default (the reference node's default too). */
  address: string;
  port: number;
  /** Allow legacy control actions (docs/catalog.md, "Legacy RPC actions": control); the caller still needs the permission. */
  enableControl: boolean;
  maxJsonDepth: number;
  /** Bytes. */
  maxRequestSize: number;
  /**
   * Extension: the most bytes of request bodies held at once, all connections together,
   * charged as they arrive; past it a request gets 503.
   */
  maxRequestBytesInFlight: number;
  /** Extension: seconds a client may take to send the request line and headers (node:http headersTimeout). */
  headersTimeout: number;
  /** Extension: seconds a client may take to send the whole request, headers and body (requestTimeout). */
  requestTimeout: number;
  /** Extension: seconds an idle keep-alive connection is kept (keepAliveTimeout). */
  keepAliveTimeout: number;
  /** Extension: open HTTP connections at most; more are closed at once, without a byte, and counted. */
  maxConnections: number;
  /**
   * HTTP status of a legacy refusal ("Access denied", "Unsafe RPC not allowed"). 200 by default,
   * as the node answers every legacy error, so client libraries read the text; 403 for
   * deployments whose clients are their own. The body is the node's either way.
   */
  legacyDenialStatus: LegacyDenialStatus;
  /**
   * Extension: accept the API key in the path, `POST /key/<id>` and `/key/<id>/api/v2…`, for
   * clients that can set only a URL. Off by default: URLs end up in proxies' access logs.
   */
  keyInPath: boolean;
  process: {
    ipcAddress: string;
    ipcPort: number;
    numIpcConnections: number;
    /** Extension: reach the IPC server over this unix socket instead of TCP (wins when set). */
    ipcPath: string;
    /** Extension: shared secret file of the TCP access check (docs/wire.md); "" = none. */
    ipcAccessFile: string;
    /** Extension: how long a forwarded request may take, in seconds. */
    ipcTimeout: number;
    /**
     * Extension: the IPC server's max_frame_bytes. A request whose frame would be larger is
     * answered 413 here, never forwarded (the IPC server would close the shared connection).
     */
    ipcMaxFrameBytes: number;
    /** Accepted for compatibility with the reference node; Node serves HTTP on one thread. */
    ioThreads: number;
  };
  logging: { logRpc: boolean };
  /** Extension: HTTPS. Paths are absolute after loading (relative ones resolve against the data dir). */
  tls: { enable: boolean; cert: string; key: string };
  /**
   * Extension: who may read GET /metrics: client addresses or CIDR blocks (`allow`), and the host
   * names, besides IP literals and `localhost`, that /metrics and /healthz answer to (`allowedHosts`,
   * lower case): a guard against DNS rebinding.
   */
  metrics: { allow: string[]; allowedHosts: string[] };
  /** Extension: client address allow and deny lists, and the proxies whose X-Forwarded-For is believed. */
  clientAddresses: ClientAddressConfig;
  /**
   * Extension: how `nano-access gateway` reads config-access.toml ([access_policy]); null when the
   * table is not written (every default). `serve` takes config-node.toml's table instead.
   */
  accessPolicy: AccessPolicySettings | null;
  /** Extension: caps on the legacy request parameters that size an answer ([response_caps]). */
  responseCaps: ResponseCapsConfig;
  /** Extension: a cache shared by all callers for chosen read-only legacy actions ([cache]). */
  cache: CacheConfig;
  /** Extension: read `GET /?action=…&key=value` as the same legacy request (NanoRPCProxy clients). Off by default. */
  legacyGet: boolean;
  /** Extension: WebSocket subscriptions at /api/v2/ws ([websocket]). */
  websocket: WebSocketConfig;
  /**
   * Extension: token buckets per user (tiered by permission), per client address and global
   * ([rate_limit]); null when off (the default). Enforced by the dispatcher it is given to.
   */
  rateLimit: RateLimitSettings | null;
}

/** [websocket]: subscriptions over WebSocket, authorized per user (docs/gateway.md, "WebSocket"). */
export interface WebSocketConfig {
  enable: boolean;
  /** Open WebSocket connections at most; an upgrade past it is answered 503. */
  maxSockets: number;
  /** Largest message a client may send, bytes (ws maxPayload; larger closes the socket, 1009). */
  maxMessageBytes: number;
  /** Bytes waiting to be sent on one socket at most; past it the socket is closed (slow consumer). */
  maxBufferedBytes: number;
  /** Bytes waiting to be sent on all sockets together at most; past it the socket holding the most is closed. */
  maxTotalBufferedBytes: number;
  /**
   * Origins (`https://wallet.example`, lower case) whose pages may open a socket; `*`: any. An
   * upgrade with an Origin header not listed is refused (403); one without Origin (not a browser) is not.
   */
  allowedOrigins: string[];
  /** Seconds a socket that presented no credentials on the upgrade may take to send its first message. */
  credentialsTimeout: number;
  /** Standalone: file holding the credentials of the one upstream TopicConfirmation subscription ("" = none). */
  upstreamCredentialsFile: string;
}

/** [response_caps]: off unless `enable`. */
export interface ResponseCapsConfig {
  enable: boolean;
  /** A `count` over its cap (or unreadable): replaced by the cap, or the request refused. */
  mode: 'clamp' | 'refuse';
  /** The cap of every counted action without its own. */
  maxCount: number;
  /** Per action (names of protocol's COUNT_PARAMETER_ACTIONS). */
  countByAction: Record<string, number>;
  /** Entries of an `accounts` list at most; more are refused in either mode. */
  maxAccounts: number;
  /** Entries of a `hashes` list at most; more are refused in either mode. */
  maxHashes: number;
}

/** [cache]: off unless `enable` and at least one action has a TTL. */
export interface CacheConfig {
  enable: boolean;
  /** Seconds per action (names of protocol's CACHEABLE_ACTIONS); an action not named is not cached. */
  ttl: Record<string, number>;
  /** Entries held at most. */
  maxEntries: number;
  /** Characters of keys and answers' JSON held at most (about bytes). */
  maxBytes: number;
}

/** The statuses `legacy_denial_status` may take. */
export type LegacyDenialStatus = 200 | 403;

export const MIB = 1024 * 1024;

/** Loopback, in both address families (IPv4-mapped IPv6 is matched as IPv4). */
export const LOOPBACK_ALLOW_LIST: readonly string[] = ['127.0.0.0/8', '::1'];

export function defaultRpcConfig(): RpcConfig {
  return {
    address: '127.0.0.1',
    port: 7076,
    enableControl: false,
    maxJsonDepth: 20,
    maxRequestSize: 32 * MIB,
    maxRequestBytesInFlight: 64 * MIB,
    headersTimeout: 10,
    requestTimeout: 30,
    keepAliveTimeout: 5,
    maxConnections: 1024,
    legacyDenialStatus: 200,
    keyInPath: false,
    process: {
      ipcAddress: '127.0.0.1',
      ipcPort: 7077,
      numIpcConnections: 4,
      ipcPath: '',
      ipcAccessFile: '',
      ipcTimeout: 15,
      ipcMaxFrameBytes: MIB,
      ioThreads: 0,
    },
    logging: { logRpc: false },
    tls: { enable: false, cert: '', key: '' },
    metrics: { allow: [...LOOPBACK_ALLOW_LIST], allowedHosts: [] },
    clientAddresses: { allow: [], deny: [], trustProxy: [] },
    accessPolicy: null,
    responseCaps: {
      enable: false,
      mode: 'clamp',
      maxCount: 1000,
      countByAction: {},
      maxAccounts: 1000,
      maxHashes: 1000,
    },
    cache: { enable: false, ttl: {}, maxEntries: 10000, maxBytes: 16 * MIB },
    legacyGet: false,
    websocket: {
      enable: true,
      maxSockets: 1024,
      maxMessageBytes: 64 * 1024,
      maxBufferedBytes: 4 * MIB,
      maxTotalBufferedBytes: 64 * MIB,
      allowedOrigins: [],
      credentialsTimeout: 10,
      upstreamCredentialsFile: '',
    },
    rateLimit: null,
  };
}
