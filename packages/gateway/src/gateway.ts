import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { ByteBudget } from '@nano-access/protocol';
import { defaultRpcConfig, type RpcConfig } from './config/rpc-config';
import type { GatewayDispatcher, GatewayPolicySource } from './dispatcher-types';
import { GatewayError, GatewayErrorCode } from './errors';
import { AddressSet } from './http/address-set';
import { ClientAddresses } from './http/client-address';
import { expectsContinue } from './http/read-body';
import { GatewayMetrics } from './metrics';
import { createLegacyProtection } from './protect/legacy-protection';
import { createRequestHandler } from './request-handler';
import { WebSocketService, type SubscriptionDispatcher, type SubscriptionUpstream } from './ws/ws-service';

export interface GatewayOptions {
  /** Protocol's Dispatcher (in process) or an IpcDispatcher (standalone). */
  dispatcher: GatewayDispatcher;
  /** The active policy (a PolicyStore): metric labels, and its metrics() on /metrics. */
  store: GatewayPolicySource;
  /** config-rpc.toml as loaded by loadRpcConfig; defaults when omitted. */
  config?: RpcConfig;
  logger?: Logger;
  /** More Prometheus text for /metrics (the dispatcher's counters, say). */
  metricsSources?: ReadonlyArray<() => string>;
  /** How long close() lets requests in flight finish before cutting them (ms, default 2000). */
  closeGraceMs?: number;
  /**
   * Where WebSocket subscriptions are registered ([websocket]): default, the dispatcher when it keeps
   * sessions (protocol's Dispatcher does); the standalone gateway passes its relay's Dispatcher.
   */
  subscriptions?: SubscriptionDispatcher;
  /** Standalone: the upstream subscription WebSocket events come from. */
  upstream?: SubscriptionUpstream;
  /** The response cache's clock, monotonic milliseconds (tests; default performance.now). */
  cacheClock?: () => number;
}

/** Where a started gateway listens. */
export interface GatewayAddress {
  address: string;
  port: number;
  family: string;
  protocol: 'http' | 'https';
  /** Base URL to print (IPv6 in brackets). */
  url: string;
}

export interface Gateway {
  /** Binds config.address:config.port (port 0: an ephemeral port). Rejects with a GatewayError. */
  listen(): Promise<GatewayAddress>;
  /** null before listen() resolved and after close(). */
  address(): GatewayAddress | null;
  /** Stops accepting, closes idle connections, lets requests in flight finish (closeGraceMs), then cuts the rest. Idempotent. */
  close(): Promise<void>;
  /** The gateway's own Prometheus text (what /metrics serves, without the store's part). */
  metricsText(): string;
}

/** Creates the HTTP(S) gateway over a dispatcher. Nothing is bound until listen(). */
export function createGateway(options: GatewayOptions): Gateway {
  const config = options.config ?? defaultRpcConfig();
  if (config.rateLimit !== null && options.dispatcher.limitsRate !== true) {
    // The limiter lives in the dispatcher (one for every transport of the process); a gateway
    // over one without it would run unlimited while its configuration says otherwise.
    throw new GatewayError(
      GatewayErrorCode.badOption,
      '[rate_limit] is enabled but the dispatcher enforces no rate limit: give it createRateLimiter(config.rateLimit)',
    );
  }
  const bodyBudget = new ByteBudget(config.maxRequestBytesInFlight);
  const metrics = new GatewayMetrics(bodyBudget);
  const protection = createLegacyProtection(config, options.cacheClock);
  const clientAddresses = new ClientAddresses(config.clientAddresses);
  const websocket = createWebSocketService(options, config, clientAddresses);
  const metricsSources = [...(options.metricsSources ?? []), ...(websocket ? [() => websocket.metricsText()] : [])];
  const handler = createRequestHandler({
    dispatcher: options.dispatcher,
    store: options.store,
    config,
    metrics,
    metricsAllowList: AddressSet.fromEntries(config.metrics.allow),
    clientAddresses,
    metricsSources: protection === undefined ? metricsSources : [...metricsSources, protection.metricsText],
    bodyBudget,
    logger: options.logger,
    legacyForward: protection?.forward,
  });
  const protocol = config.tls.enable ? 'https' : 'http';
  let server: HttpServer | HttpsServer | null = null;
  let bound: GatewayAddress | null = null;
  const sockets = new Set<Socket>();

  // Node checks headersTimeout and requestTimeout on an interval (30 s by default), so a slow
  // client would be held up to that much past its limit; a 1 s check keeps the close near it.
  const timeouts = {
    headersTimeout: config.headersTimeout * 1000,
    requestTimeout: config.requestTimeout * 1000,
    connectionsCheckingInterval: 1000,
  };

  function build(): HttpServer | HttpsServer {
    const created = buildServer();
    created.keepAliveTimeout = config.keepAliveTimeout * 1000;
    created.maxConnections = config.maxConnections;
    return created;
  }

  function buildServer(): HttpServer | HttpsServer {
    if (!config.tls.enable) return createHttpServer(timeouts, handler);
    let cert: Buffer;
    let key: Buffer;
    try {
      cert = readFileSync(config.tls.cert);
      key = readFileSync(config.tls.key);
    } catch (error) {
      throw new GatewayError(
        GatewayErrorCode.tlsUnusable,
        `Cannot read the TLS certificate or key: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    try {
      return createHttpsServer({ ...timeouts, cert, key }, handler);
    } catch (error) {
      throw new GatewayError(
        GatewayErrorCode.tlsUnusable,
        `The TLS certificate or key is unusable: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  return {
    listen() {
      if (server)
        return Promise.reject(new GatewayError(GatewayErrorCode.listenFailed, 'The gateway is already listening.'));
      let created: HttpServer | HttpsServer;
      try {
        created = build();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      server = created;
      // `Expect: 100-continue` (curl sends it for bodies over 1 KiB): the body is invited only
      // once readBody accepts it (size and budget), so a refused one is never sent.
      if (websocket) created.on('upgrade', (req, socket, head) => websocket.handleUpgrade(req, socket, head));
      created.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
        expectsContinue(req);
        handler(req, res);
      });
      created.on('connection', (socket: Socket) => {
        sockets.add(socket);
        metrics.connectionOpened();
        socket.once('close', () => {
          sockets.delete(socket);
          metrics.connectionClosed();
        });
      });
      // Over max_connections Node closes the new socket before any byte; count it, and log
      // at most one line a minute so a flood cannot flood the log too.
      let refusedSinceLog = 0;
      let lastRefusalLog = 0;
      created.on('drop', () => {
        metrics.connectionRefused();
        refusedSinceLog++;
        const now = Date.now();
        if (now - lastRefusalLog >= 60_000) {
          options.logger?.warn(
            { refused: refusedSinceLog, maxConnections: config.maxConnections },
            'gateway connections refused: max_connections reached',
          );
          refusedSinceLog = 0;
          lastRefusalLog = now;
        }
      });
      return new Promise<GatewayAddress>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => {
          server = null;
          reject(
            new GatewayError(
              GatewayErrorCode.listenFailed,
              `Cannot listen on ${config.address}:${config.port}: ${error.code ?? error.message}`,
              { cause: error },
            ),
          );
        };
        created.once('error', onError);
        created.listen(config.port, config.address, () => {
          created.off('error', onError);
          created.on('error', (error) => options.logger?.error({ err: error }, 'gateway server error'));
          const info = created.address() as AddressInfo;
          const host = info.family === 'IPv6' || info.address.includes(':') ? `[${info.address}]` : info.address;
          bound = {
            address: info.address,
            port: info.port,
            family: info.family,
            protocol,
            url: `${protocol}://${host}:${info.port}`,
          };
          options.logger?.info({ url: bound.url }, 'gateway listening');
          resolve(bound);
        });
      });
    },
    address() {
      return bound;
    },
    close() {
      const current = server;
      if (!current) return Promise.resolve();
      server = null;
      bound = null;
      websocket?.close(options.closeGraceMs ?? 2000);
      return new Promise<void>((resolve) => {
        current.close(() => {
          clearTimeout(grace);
          resolve();
        });
        // Idle keep-alive connections go now; requests in flight get a short grace
        // to finish their answer, then whatever is left is cut.
        current.closeIdleConnections();
        const grace = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, options.closeGraceMs ?? 2000);
        grace.unref();
      });
    },
    metricsText() {
      return metrics.render() + (websocket?.metricsText() ?? '');
    },
  };
}

/** The WebSocket endpoint, when [websocket] enable and a dispatcher that keeps sessions is at hand. */
function createWebSocketService(
  options: GatewayOptions,
  config: RpcConfig,
  clientAddresses: ClientAddresses,
): WebSocketService | undefined {
  if (!config.websocket.enable) return undefined;
  const dispatcher = options.dispatcher;
  const subscriptions =
    options.subscriptions ??
    (typeof dispatcher.closeSession === 'function' ? (dispatcher as SubscriptionDispatcher) : undefined);
  if (subscriptions === undefined) return undefined;
  return new WebSocketService({
    config: config.websocket,
    subscriptions,
    upstream: options.upstream,
    logger: options.logger,
    clientAddresses,
  });
}
