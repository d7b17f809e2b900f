export { createGateway } from './gateway';
export type { Gateway, GatewayAddress, GatewayOptions } from './gateway';
export { loadRpcConfig, parseRpcConfig, RPC_CONFIG_FILE } from './config/load-rpc-config';
export type { RpcConfigResult } from './config/load-rpc-config';
export { defaultRpcConfig, LOOPBACK_ALLOW_LIST } from './config/rpc-config';
export type { CacheConfig, ResponseCapsConfig, RpcConfig } from './config/rpc-config';
export { rpcConfigSchema } from './config/rpc-config-schema';
export { createRateLimiter, DEFAULT_MAX_BUCKETS } from './config/rate-limit-config';
export type {
  Credentials,
  GatewayDispatcher,
  GatewayPolicy,
  GatewayPolicySource,
  LegacyContext,
  LegacyOutcome,
  LegacyResult,
  RequestContext,
  ResponseEnvelope,
  Session,
} from './dispatcher-types';
export { errorCodes, GatewayError, GatewayErrorCode } from './errors';
export type { GatewayErrorCodeValue } from './errors';
export { IpcDispatcher } from './standalone/ipc-dispatcher';
export { ConfirmationRelay } from './standalone/confirmation-relay';
export type { ConfirmationRelayOptions, RelayIpcClient } from './standalone/confirmation-relay';
export { WS_PATH } from './ws/ws-service';
export type { SubscriptionDispatcher, SubscriptionUpstream } from './ws/ws-service';
export type { WebSocketConfig } from './config/rpc-config';
export type { IpcDispatcherOptions } from './standalone/ipc-dispatcher';
export { IpcPool } from './standalone/ipc-pool';
export type { IpcPoolOptions, PooledIpcClient } from './standalone/ipc-pool';
export { startStandaloneGateway } from './standalone/standalone-gateway';
export type { StandaloneGateway, StandaloneGatewayOptions } from './standalone/standalone-gateway';
export { exampleRequests } from './examples';
export type { ExampleOptions } from './examples';
export { rpcLineJson } from './rpc-line';
export type { Outcome as RpcOutcome } from './rpc-line';
