export { PolicyStore } from './policy-store';
export { PolicyStoreError, errorCodes } from './errors';
export type { PolicyStoreErrorCode } from './errors';
export { createLogger, REDACTED_PATHS } from './logger';
export type { LoggerOptions } from './logger';
export { formatDiagnostic } from './diagnostic-log';
export { KUBERNETES_DATA_LINK } from './file-watch';
export type {
  MissingEvent, PolicyStoreEvents, PolicyStoreOptions, PolicyStoreStatus, RejectedEvent, ReloadedEvent,
  ReloadFailure, ReloadOutcome, ReloadResult, ReloadTrigger, TextStoreOptions,
} from './types';
