import type { ConfirmedBlock } from './backend';
import { canonicalAccount } from './crypto/nano-address';
import { makeEnvelope } from './errors';
import type { JsonObject, ResponseEnvelope, Session } from './types';

type ConfirmationFilter = 'all' | 'active' | 'active_quorum' | 'active_confirmation_height' | 'inactive';

interface ConfirmationSubscription {
  correlationId?: string;
  filter: ConfirmationFilter;
  /** Canonical nano_ addresses asked for; with allLocalAccounts false and no accounts, every account matches. */
  accounts: Set<string> | null;
  allLocalAccounts: boolean;
  includeBlock: boolean;
  includeElectionInfo: boolean;
}

interface SessionState {
  session: Session;
  services: Set<string>;
  serviceStop: { correlationId?: string } | null;
  confirmation: ConfirmationSubscription | null;
}

/** Options of TopicConfirmation, after schema validation. */
export interface ConfirmationOptions {
  confirmation_type_filter?: ConfirmationFilter;
  all_local_accounts?: boolean;
  accounts?: string[];
  include_block?: boolean;
  include_election_info?: boolean;
}

/**
 * Who listens to what, per session. Sessions are keyed by id; a closed session
 * is dropped with everything it registered. Pushing to a session that throws
 * (its connection died without closeSession) drops that session.
 */
export class SubscriptionRegistry {
  private readonly sessions = new Map<string, SessionState>();
  /** service name → ids of sessions that registered it. */
  private readonly services = new Map<string, Set<string>>();
  private confirmationSubscribers = 0;
  private readonly onPushError: (session: Session, error: unknown) => void;
  private readonly isLocalAccount: (account: string) => boolean;

  constructor(onPushError: (session: Session, error: unknown) => void = () => {}, isLocalAccount: (account: string) => boolean = () => false) {
    this.onPushError = onPushError;
    this.isLocalAccount = isLocalAccount;
  }

  private state(session: Session): SessionState {
    let state = this.sessions.get(session.id);
    if (state === undefined) {
      state = { session, services: new Set(), serviceStop: null, confirmation: null };
      this.sessions.set(session.id, state);
    }
    return state;
  }

  registerService(session: Session, serviceName: string): void {
    this.state(session).services.add(serviceName);
    let ids = this.services.get(serviceName);
    if (ids === undefined) this.services.set(serviceName, (ids = new Set()));
    ids.add(session.id);
  }

  /** Subscribe (or unsubscribe) to EventServiceStop. False when the session registered no service. */
  topicServiceStop(session: Session, unsubscribe: boolean, correlationId?: string): boolean {
    const state = this.sessions.get(session.id);
    if (unsubscribe) {
      if (state !== undefined) state.serviceStop = null;
      return true;
    }
    if (state === undefined || state.services.size === 0) return false;
    state.serviceStop = correlationId === undefined ? {} : { correlationId };
    return true;
  }

  /** Sends EventServiceStop to every session that registered `serviceName` and subscribed; returns how many. */
  stopService(serviceName: string): number {
    const ids = this.services.get(serviceName);
    if (ids === undefined) return 0;
    let delivered = 0;
    for (const id of [...ids]) {
      const state = this.sessions.get(id);
      if (state === undefined || state.serviceStop === null) continue;
      if (this.push(state, makeEnvelope('EventServiceStop', {}, state.serviceStop.correlationId))) delivered++;
    }
    return delivered;
  }

  topicConfirmation(session: Session, unsubscribe: boolean, options: ConfirmationOptions | undefined, correlationId?: string): void {
    const state = unsubscribe ? this.sessions.get(session.id) : this.state(session);
    if (state === undefined) return;
    if (state.confirmation !== null) this.confirmationSubscribers--;
    state.confirmation = null;
    if (unsubscribe) return;
    const accounts = options?.accounts?.length ? new Set(options.accounts.map((a) => canonicalAccount(a) ?? a)) : null;
    state.confirmation = {
      correlationId,
      filter: options?.confirmation_type_filter ?? 'all',
      accounts,
      allLocalAccounts: options?.all_local_accounts === true,
      includeBlock: options?.include_block ?? true,
      includeElectionInfo: options?.include_election_info ?? true,
    };
    this.confirmationSubscribers++;
  }

  /** Pushes EventConfirmation to every matching subscriber; returns how many received it. */
  publishConfirmation(confirmation: ConfirmedBlock): number {
    if (this.confirmationSubscribers === 0) return 0;
    const account = canonicalAccount(confirmation.account) ?? confirmation.account;
    let delivered = 0;
    for (const state of [...this.sessions.values()]) {
      const sub = state.confirmation;
      if (sub === null) continue;
      if (!filterMatches(sub.filter, confirmation.confirmationType)) continue;
      if (sub.accounts !== null || sub.allLocalAccounts) {
        // As the node: the listed accounts and, with all_local_accounts, the wallets' accounts.
        const listed = sub.accounts !== null && sub.accounts.has(account);
        if (!listed && !(sub.allLocalAccounts && this.isLocalAccount(account))) continue;
      }
      const message: JsonObject = {
        confirmation_type: confirmation.confirmationType,
        account: confirmation.account,
        amount: confirmation.amount,
        hash: confirmation.hash,
      };
      if (sub.includeBlock) {
        message.block_type = 'BlockState';
        message.block = { ...confirmation.block };
      }
      if (sub.includeElectionInfo && confirmation.electionInfo !== undefined) message.election_info = { ...confirmation.electionInfo };
      if (this.push(state, makeEnvelope('EventConfirmation', message, sub.correlationId))) delivered++;
    }
    return delivered;
  }

  /** A connection closed: forget the session and all it registered. */
  closeSession(session: Session): void {
    const state = this.sessions.get(session.id);
    if (state === undefined) return;
    this.sessions.delete(session.id);
    if (state.confirmation !== null) this.confirmationSubscribers--;
    for (const name of state.services) {
      const ids = this.services.get(name);
      if (ids === undefined) continue;
      ids.delete(session.id);
      if (ids.size === 0) this.services.delete(name);
    }
  }

  /** Counts for metrics and tests. */
  stats(): { sessions: number; services: number; confirmationSubscribers: number; serviceStopSubscribers: number } {
    let serviceStopSubscribers = 0;
    for (const state of this.sessions.values()) if (state.serviceStop !== null) serviceStopSubscribers++;
    return { sessions: this.sessions.size, services: this.services.size, confirmationSubscribers: this.confirmationSubscribers, serviceStopSubscribers };
  }

  private push(state: SessionState, envelope: ResponseEnvelope): boolean {
    try {
      state.session.push(envelope);
      return true;
    } catch (error) {
      this.onPushError(state.session, error);
      this.closeSession(state.session);
      return false;
    }
  }
}

function filterMatches(filter: ConfirmationFilter, type: ConfirmedBlock['confirmationType']): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'active':
      return type === 'active_quorum' || type === 'active_confirmation_height';
    default:
      return filter === type;
  }
}
