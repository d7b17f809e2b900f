import type { JsonObject, PromiseOrValue } from './types';

/** A v2 message answered by a backend: a response message, or an error (code as the node's). */
export type BackendReply =
  { ok: true; messageType: string; message: JsonObject } | { ok: false; code: number; message: string };

/** A state block as the node's JSON (nanoapi.fbs BlockState field names). */
export interface BlockStateJson {
  hash: string;
  account: string;
  previous: string;
  representative: string;
  balance: string;
  link: string;
  link_as_account: string;
  signature: string;
  work: string;
  subtype: 'invalid' | 'receive' | 'send' | 'change' | 'epoch';
}

/** A block the backend confirmed (the payload of EventConfirmation before per-subscriber filtering). */
export interface ConfirmedBlock {
  account: string;
  /** Raw amount moved, as a decimal string. */
  amount: string;
  hash: string;
  confirmationType: 'active_quorum' | 'active_confirmation_height' | 'inactive';
  block: BlockStateJson;
  /** Election data when the backend knows it. */
  electionInfo?: {
    duration: number;
    time: number;
    tally: string;
    request_count: number;
    block_count: number;
    voter_count: number;
  };
}

export type BackendEvent =
  | { type: 'confirmation'; confirmation: ConfirmedBlock }
  /** A `stop` action or ServiceStop{service_name:"node"}: the server should shut down. */
  | { type: 'stop'; reason: string };

/**
 * What answers requests once the Dispatcher has validated and authorized them.
 * A backend never checks permissions and never throws for bad input: it answers
 * with an error reply / a legacy `{"error": …}` body.
 */
export interface Backend {
  /** "embedded", "node-rpc", … (logs and metrics). */
  readonly kind: string;
  /**
   * v2 messages the backend answers (IsAlive, AccountWeight); subscriptions are the Dispatcher's.
   * The reply itself when the backend has it at hand (the embedded one), else a promise of it.
   * `accountDigest`: for a message with an account (AccountWeight), accountKeyDigest of that
   * account, which the Dispatcher computed while checking it; a backend may read its own tables
   * with it (comparing the account itself) instead of hashing the account's text again.
   */
  message(messageType: string, message: JsonObject, accountDigest?: number): PromiseOrValue<BackendReply>;
  /** A legacy `{"action": …}` request, already authorized: the node's JSON body, or a promise of it. */
  legacy(request: JsonObject & { action: string }): PromiseOrValue<JsonObject>;
  /** Listen to confirmations and stop requests; returns the unsubscribe function. */
  subscribe(listener: (event: BackendEvent) => void): () => void;
  /** True for an account held by a local wallet (TopicConfirmation's all_local_accounts); absent = none. */
  isLocalAccount?(account: string): boolean;
  /** Ask the server to stop (emits a 'stop' event). */
  requestStop(reason: string): void;
  /** Release sockets and timers. */
  close(): Promise<void>;
  /** The backend's own Prometheus text (budgets, timeouts), appended to the dispatcher's. */
  metricsText?(): string;
}
