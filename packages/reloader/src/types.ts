import type { Logger } from 'pino';
import type { AccessFileFacts, Diagnostic } from '@nano-access/parser';
import type { Catalog, LoadResult, Policy } from '@nano-access/resolver';
import type { InspectModule } from './off-thread-protocol';

export type { InspectModule } from './off-thread-protocol';

/** What started a reload: `request` is the AccessReload API message (`nano-access reload`). */
export type ReloadTrigger = 'watch' | 'signal' | 'manual' | 'request';

export interface PolicyStoreOptions {
  /** The permission catalog. Default: the Nano catalog. */
  catalog?: Catalog;
  /** Where the store logs. Default: a silent logger (the application passes its own). */
  logger?: Logger;
  /** Watch the file's directory and reload on change. Default: true. */
  watch?: boolean;
  /** Quiet time after the last file-system event before the file is read. Default: 100 ms. */
  debounceMs?: number;
  /** The file name diagnostics carry. Default: the path as given. */
  displayName?: string;
  /** Refuse an access file larger than this many bytes (an error naming the limit). Default: 256 MiB. */
  maxFileBytes?: number;
  /** Give up a read of the access file (open to last byte) after this long. Default: 30 000 ms. */
  readTimeoutMs?: number;
  /**
   * Serve an access file, or a directory leading to it, that group or others can write or that a
   * user other than root and this process's owns. Default: false (such a file is refused at
   * open and on every reload, keeping the last good policy).
   */
  allowInsecurePermissions?: boolean;
  /**
   * Called with every policy activated (at open and on each reload, after the swap). What it
   * returns is logged at `warn`, each finding with its rule, and added to the reload's
   * diagnostics. The CLI passes the linter's security rules here (the reloader does not import
   * the linter). A hook that throws is logged and changes nothing.
   */
  inspect?: PolicyInspector;
  /**
   * The same inspector as a module a worker thread can load (`require(module)[name]`), so that
   * reloads of large files can inspect off the main thread. Without it, a store with `inspect`
   * loads every file on the main thread.
   */
  inspectModule?: InspectModule;
  /**
   * When the access file was at least this many bytes at its last read, a reload reads, parses,
   * compiles (and inspects) it in a worker thread, and the policy's credentials Map is rebuilt on
   * the main thread a chunk at a time, so requests keep being answered (docs/performance.md).
   * Smaller files load on the main thread, which is faster for them. Default: 4 MiB (about
   * 40,000 users); Infinity: never.
   */
  offThreadBytes?: number;
}

/** What an inspector is given: the text just activated and what loading it produced. */
export interface PolicyInspection {
  text: string;
  /** The file name diagnostics carry. */
  file: string;
  catalog: Catalog | undefined;
  /** loadPolicy's result for `text` (its policy is the one now active). */
  loaded: LoadResult & { policy: Policy };
  /** The modes and owners of the file and its directories; null when the text came from elsewhere. */
  fileFacts: AccessFileFacts | null;
}

export type PolicyInspector = (inspection: PolicyInspection) => readonly Diagnostic[];

export interface TextStoreOptions {
  catalog?: Catalog;
  logger?: Logger;
  /** The file name diagnostics carry. Default: `config-access.toml`. */
  file?: string;
}

export type ReloadOutcome =
  /** A new policy is active. */
  | 'reloaded'
  /** The content's hash equals the active policy's: nothing to do. */
  | 'unchanged'
  /** The new content has errors, or could not be read: the previous policy stays. */
  | 'rejected'
  /** The file is gone: the previous policy stays until it comes back. */
  | 'missing'
  /**
   * A reload by the file watch whose read overlapped a change to the file (a writer writing it in
   * place was between two writes): nothing was applied, and the watch reads the file again once
   * it has been quiet for the debounce.
   */
  | 'superseded'
  /** The store was closed. */
  | 'closed';

export interface ReloadResult {
  outcome: ReloadOutcome;
  /** The active generation after this reload. */
  generation: number;
  /** sha256 (hex) of the content read, or null when nothing was read. */
  hash: string | null;
  /** Diagnostics of the content read (warnings for a reload; errors for a rejection), redacted. */
  diagnostics: Diagnostic[];
  /** Set when a rejected file could not be read as a policy at all (too large, unsafe, not UTF-8 …). */
  error?: { code: string; message: string };
}

export interface ReloadedEvent {
  generation: number;
  hash: string | null;
  previousHash: string | null;
  users: number;
  /** Warnings of the new file (errors never reach a reloaded policy). */
  diagnostics: Diagnostic[];
  trigger: ReloadTrigger;
  durationMs: number;
}

export interface RejectedEvent {
  /** The generation that stays active. */
  generation: number;
  /** sha256 of the rejected content, or null when it could not be read. */
  hash: string | null;
  diagnostics: Diagnostic[];
  /** Set when the file could not be read at all. */
  error?: { code: string; message: string };
  trigger: ReloadTrigger;
}

export interface MissingEvent {
  generation: number;
  trigger: ReloadTrigger;
}

export interface PolicyStoreEvents {
  reloaded: [ReloadedEvent];
  rejected: [RejectedEvent];
  missing: [MissingEvent];
}

export interface ReloadFailure {
  time: Date;
  hash: string | null;
  diagnostics: Diagnostic[];
  error?: { code: string; message: string };
}

export interface PolicyStoreStatus {
  /** The watched file (absolute), or null for a store built from text or a policy. */
  file: string | null;
  generation: number;
  /** sha256 of the active content; null for the built-in default (no file) or a given policy. */
  hash: string | null;
  users: number;
  /** When the active policy was loaded. */
  lastSuccess: Date;
  /** The last rejected reload, or null. Cleared by nothing: compare its time with lastSuccess. */
  lastFailure: ReloadFailure | null;
  lastReloadSuccessful: boolean;
  reloads: { success: number; failure: number };
  /** The file was absent at the last look; the active policy is the last one read (or the default). */
  fileMissing: boolean;
  watching: boolean;
  /** The paths the watch follows now (the file, `..data`, a symlink's target); empty when not watching. */
  watched: string[];
}
