import type { AccessFileFacts, Diagnostic } from '@nano-access/parser';
import type { Catalog, PolicyTransfer } from '@nano-access/resolver';
import type { ReadErrorCode, ReloadErrorCode } from './errors';

/** What a load worker is started with (its workerData). */
export interface WorkerSetup {
  file: string;
  displayName: string;
  maxBytes: number;
  timeoutMs: number;
  catalog: Catalog | undefined;
  /** The inspector to run on the new policy, as a module to require and the name it exports. */
  inspectModule: InspectModule | undefined;
}

/** An inspector a worker thread can load: `require(module)[name]` is a PolicyInspector. */
export interface InspectModule {
  module: string;
  name: string;
}

/** The read's outcome as posted by the worker: the bytes stay there. */
export type WorkerRead =
  | { kind: 'ok'; hash: string; facts: AccessFileFacts | null; size: number }
  | { kind: 'missing' }
  | { kind: 'error'; code: ReadErrorCode; message: string };

/** Sent to the worker once the store has decided the content is to be loaded. */
export interface LoadRequest {
  type: 'load';
}

export type WorkerReply =
  | { type: 'read'; read: WorkerRead }
  | { type: 'not-utf8'; code: typeof ReloadErrorCode.notUtf8; message: string; diagnostic: Diagnostic }
  | {
      type: 'loaded';
      /** loadPolicy's diagnostics, the new text's credentials already redacted. */
      diagnostics: Diagnostic[];
      /** null when the file has errors. */
      transfer: PolicyTransfer | null;
      /** The inspector's findings (not yet redacted against the new policy's ids). */
      findings: Diagnostic[];
      inspectError?: string;
      /** The distinct lengths of the new policy's user ids (for redactKnownIds). */
      idLengths: number[];
    }
  | { type: 'failed'; message: string };
