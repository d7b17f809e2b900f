// Public surface of @nano-access/protocol: messages, envelopes, errors, the
// dispatcher and the backends shared by the IPC server and the gateway.

export type {
  AccessReloader,
  AccessReloadOutcome,
  JsonObject,
  LegacyContext,
  LegacyForward,
  LegacyOutcome,
  LegacyResult,
  MessageOutcome,
  PromiseOrValue,
  RequestContext,
  RequestEnvelope,
  ResponseEnvelope,
  Session,
} from './types';
export { Dispatcher, type DispatcherOptions } from './dispatcher';
export {
  DENIAL_REASON_TEXT,
  REFUSAL_TEXT,
  describeCaller,
  recordDecision,
  recordRateLimited,
  type DecisionRecord,
} from './decision-record';
export {
  mergeCorrelationId,
  mergeCredentials,
  REFUSED_CREDENTIALS,
  type MergedCredentials,
  type PresentedCredentials,
  type TransportCredentials,
} from './credentials';
export {
  actionNeedsControl,
  isControlArgumentOff,
  mayStopTheNode,
  NODE_SERVICE_NAME,
  stopsTheNode,
} from './control-gate';
export { DEFAULT_MAX_SERVICES_PER_SESSION } from './subscriptions';
export { RequestCounters, type DispatcherMetrics, type RequestCount } from './metrics';
export {
  authorizeLegacy,
  legacyAnswerOutcome,
  type AllowedLegacyRequest,
  type LegacyDispatch,
  type RefusedLegacyRequest,
} from './legacy';
export type { Backend, BackendEvent, BackendReply, BlockStateJson, ConfirmedBlock } from './backend';
export {
  createEmbeddedBackend,
  EmbeddedBackend,
  type EmbeddedBackendOptions,
} from './backends/embedded/embedded-backend';
export type { LedgerAccountData, LedgerBlockData, LedgerData } from './backends/embedded/ledger';
export { NodeRpcBackend, createNodeRpcBackend, type NodeRpcBackendOptions } from './backends/node-rpc/node-rpc-backend';
export {
  NodeConfirmationFeed,
  confirmationFromNode,
  type NodeConfirmationFeedOptions,
  type NodeConfirmationFeedStatus,
} from './backends/node-rpc/node-confirmations';
export { encodeAsciiJson, stringifyAscii } from './ascii-json';
export { isJsonObject } from './json-object';
export {
  CACHEABLE_ACTIONS,
  COUNT_PARAMETER_ACTIONS,
  LIST_PARAMETER_ACTIONS,
  READ_ONLY_ACTIONS,
  type CountDefault,
  type ListParameter,
} from './action-tables/action-tables';
export { BudgetLease, ByteBudget } from './byte-budget';
export {
  RateLimiter,
  TIER_PERMISSIONS,
  type RateLimiterOptions,
  type RateLimitScope,
  type RateLimitSettings,
  type RateLimitStats,
  type RateLimitTier,
} from './rate-limit/rate-limiter';
export { addressBucketKey } from './rate-limit/client-address';
export type { BucketRate } from './rate-limit/token-bucket';
export {
  COUNT_OVER_CAP_CODE,
  ErrorCode,
  ErrorMessage,
  LegacyError,
  LIST_OVER_CAP_CODE,
  ProtocolError,
  RATE_LIMITED_CODE,
  rateLimitedEnvelope,
  rateLimitedLegacyBody,
  ProtocolErrorCode,
  errorCodes,
  errorEnvelope,
  invalidFormatEnvelope,
  isErrorEnvelope,
  legacyErrorBody,
  isRevocationEnvelope,
  makeEnvelope,
  revocationEnvelope,
  REVOCATION_SUFFIX,
} from './errors';
export {
  EXTENSION_MESSAGE_TYPES,
  MESSAGE_TYPES,
  REQUEST_TYPES,
  requestTypeAt,
  requestTypeOf,
  type MessageType,
  type RequestType,
} from './messages';
export {
  messageSchema,
  validateMessage,
  validateRequestEnvelope,
  validateResponseEnvelope,
  type Validation,
} from './validate';
export {
  decodeFlatbuffersEnvelope,
  encodeFlatbuffersEnvelope,
  type FlatbuffersEnvelopeInput,
} from './flatbuffers/convert';
export {
  accountKeyDigest,
  canonicalAccount,
  decodeAccount,
  encodeAccount,
  isValidAccount,
} from './crypto/nano-address';
export { blake2b } from './crypto/blake2b';
