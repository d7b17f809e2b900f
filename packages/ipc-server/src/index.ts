export { IpcClient, type IpcClientOptions, type IpcTarget, type RequestEnvelopeInput } from './client';
export { resolveIpcTarget, DEFAULT_IPC_HOST, DEFAULT_IPC_PORT } from './client-target';
export {
  startIpcServers,
  type IpcServers,
  type IpcServerStats,
  type IpcAddress,
  type StartIpcServersOptions,
} from './server';
export type { IpcDispatcher } from './connection';
export {
  loadNodeConfig,
  parseNodeConfig,
  defaultNodeConfig,
  resolveSocketPath,
  nodeConfigDefaults,
  NODE_CONFIG_FILE,
  type NodeConfig,
  type LocalTransportConfig,
  type TcpTransportConfig,
  type BackendConfig,
} from './node-config';
export { nodeConfigSchema } from './node-config-schema';
export { readAccessSecret } from './access-secret';
export { encodeRequest, encodeResponse, type Encoding } from './framing';
export { IpcError, IpcErrorCode, errorCodes, type IpcErrorCodeValue } from './errors';
