export { PolicyStore } from './policy-store';
export { PolicyStoreError, ReloadErrorCode, errorCodes } from './errors';
export type { PolicyStoreErrorCode, ReadErrorCode } from './errors';
export {
  ASYNC_LOG_MAX_BYTES,
  asyncFileDestination,
  createLogger,
  exitAfterLogFlush,
  exitOnCrashAfterLogFlush,
  flushAsyncLogs,
  LOG_COALESCE_BYTES,
  LOG_COALESCE_MS,
  LOG_EXIT_FLUSH_MS,
  REDACTED_PATHS,
  asciiJsonStringContent,
  jsonLineWriter,
  lineWriter,
} from './logger';
export type { JsonLineWriter, LineFields, LineWriter, LoggerOptions } from './logger';
export { KUBERNETES_DATA_LINK } from './file-watch';
export { policyHashLabel } from './metrics';
export {
  decodeAccessFile,
  readAccessFile,
  readAccessStream,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
  MAX_FILE_BYTES_CEILING,
} from './read-access-file';
export type { DecodeOutcome, ReadAccessFileOptions, ReadOutcome } from './read-access-file';
export {
  ACCESS_POLICY_TABLE,
  accessPolicyConfigSchema,
  accessPolicySettings,
  defaultAccessPolicySettings,
} from './access-policy-config';
export type { AccessPolicySettings } from './access-policy-config';
export type {
  MissingEvent,
  PolicyInspection,
  PolicyInspector,
  PolicyStoreEvents,
  PolicyStoreOptions,
  PolicyStoreStatus,
  RejectedEvent,
  ReloadedEvent,
  ReloadFailure,
  ReloadOutcome,
  ReloadResult,
  ReloadTrigger,
  TextStoreOptions,
} from './types';
