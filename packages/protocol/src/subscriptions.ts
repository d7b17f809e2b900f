import type { Credentials } from '@nano-access/resolver';
import type { ConfirmedBlock } from './backend';
import { canonicalAccount } from './crypto/nano-address';
import { makeEnvelope, revocationEnvelope } from './errors';
import type { JsonObject, ResponseEnvelope, Session } from './types';

type ConfirmationFilter = 'all' | 'active' | 'active_quorum' | 'active_confirmation_height' | 'inactive';

/** What a session asked for, and with which credentials: re-checked against each new policy. */
interface Held {
  correlationId?: string;
  credentials: Credentials;
}

interface ConfirmationSubscription extends Held {
  filter: ConfirmationFilter;
  /** Canonical nano_ addresses asked for; with allLocalAccounts false and no accounts, every account matches. */
  accounts: Set<string> | null;
  allLocalAccounts: boolean;
  includeBlock: boolean;
  includeElectionInfo: boolean;
}

interface SessionState {
  session: Session;
  /** Registered service name → the registration (its credentials). */
  services: Map<string, Held>;
  serviceStop: Held | null;
  confirmation: ConfirmationSubscription | null;
}

/** The messages whose permission what a session holds depends on. */
export type HeldTopic = 'ServiceRegister' | 'TopicServiceStop' | 'TopicConfirmation';

/** The answer of registerService: done, or refused because the session holds the most names it may. */
export type RegisterOutcome = 'registered' | 'limit';

/** Default of the most service names one session may hold (config-node.toml `[node.ipc] max_services_per_connection`). */
export const DEFAULT_MAX_SERVICES_PER_SESSION = 16;

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
  private readonly maxServicesPerSession: number;

  constructor(
    onPushError: (session: Session, error: unknown) => void = () => {},
    isLocalAccount: (account: string) => boolean = () => false,
    maxServicesPerSession: number = DEFAULT_MAX_SERVICES_PER_SESSION,
  ) {
    this.onPushError = onPushError;
    this.isLocalAccount = isLocalAccount;
    this.maxServicesPerSession = maxServicesPerSession;
  }

  private state(session: Session): SessionState {
    let state = this.sessions.get(session.id);
    if (state === undefined) {
      state = { session, services: new Map(), serviceStop: null, confirmation: null };
      this.sessions.set(session.id, state);
    }
    return state;
  }

  /**
   * Registers a service name on the session, with the credentials that asked. A name the session
   * already holds is registered again (with these credentials); a new one past the session's
   * budget is refused ('limit') and nothing changes.
   */
  registerService(
    session: Session,
    serviceName: string,
    credentials?: Credentials,
    correlationId?: string,
  ): RegisterOutcome {
    const existing = this.sessions.get(session.id);
    if (!existing?.services.has(serviceName) && (existing?.services.size ?? 0) >= this.maxServicesPerSession)
      return 'limit';
    this.state(session).services.set(serviceName, held(credentials, correlationId));
    let ids = this.services.get(serviceName);
    if (ids === undefined) this.services.set(serviceName, (ids = new Set()));
    ids.add(session.id);
    return 'registered';
  }

  /** Subscribe (or unsubscribe) to EventServiceStop. False when the session registered no service. */
  topicServiceStop(session: Session, unsubscribe: boolean, correlationId?: string, credentials?: Credentials): boolean {
    const state = this.sessions.get(session.id);
    if (unsubscribe) {
      if (state !== undefined) state.serviceStop = null;
      return true;
    }
    if (state === undefined || state.services.size === 0) return false;
    state.serviceStop = held(credentials, correlationId);
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

  topicConfirmation(
    session: Session,
    unsubscribe: boolean,
    options: ConfirmationOptions | undefined,
    correlationId?: string,
    credentials?: Credentials,
  ): void {
    const state = unsubscribe ? this.sessions.get(session.id) : this.state(session);
    if (state === undefined) return;
    if (state.confirmation !== null) this.confirmationSubscribers--;
    state.confirmation = null;
    if (unsubscribe) return;
    const accounts = options?.accounts?.length ? new Set(options.accounts.map((a) => canonicalAccount(a) ?? a)) : null;
    state.confirmation = {
      correlationId,
      credentials,
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
      if (sub.includeElectionInfo && confirmation.electionInfo !== undefined)
        message.election_info = { ...confirmation.electionInfo };
      if (this.push(state, makeEnvelope('EventConfirmation', message, sub.correlationId))) delivered++;
    }
    return delivered;
  }

  /**
   * After a policy change: every subscription and registration whose credentials no longer hold
   * its message's permission is dropped, and its session is told with one Error envelope (code 3)
   * naming the topic, pushed as the events it replaces are, with their correlation id. The session
   * itself stays. Returns how many were dropped.
   */
  recheck(mayHold: (topic: HeldTopic, credentials: Credentials) => boolean): number {
    let dropped = 0;
    for (const state of [...this.sessions.values()]) {
      const revoked: ResponseEnvelope[] = [];
      const confirmation = state.confirmation;
      if (confirmation !== null && !mayHold('TopicConfirmation', confirmation.credentials)) {
        state.confirmation = null;
        this.confirmationSubscribers--;
        revoked.push(revocation('TopicConfirmation', confirmation.correlationId));
      }
      const serviceStop = state.serviceStop;
      if (serviceStop !== null && !mayHold('TopicServiceStop', serviceStop.credentials)) {
        state.serviceStop = null;
        revoked.push(revocation('TopicServiceStop', serviceStop.correlationId));
      }
      for (const [name, registration] of [...state.services]) {
        if (mayHold('ServiceRegister', registration.credentials)) continue;
        this.unregister(state, name);
        revoked.push(revocation('ServiceRegister', registration.correlationId, name));
      }
      dropped += revoked.length;
      for (const envelope of revoked) if (!this.push(state, envelope)) break;
    }
    return dropped;
  }

  /** A connection closed: forget the session and all it registered. */
  closeSession(session: Session): void {
    const state = this.sessions.get(session.id);
    if (state === undefined) return;
    this.sessions.delete(session.id);
    if (state.confirmation !== null) this.confirmationSubscribers--;
    for (const name of [...state.services.keys()]) this.unregister(state, name);
  }

  private unregister(state: SessionState, name: string): void {
    state.services.delete(name);
    const ids = this.services.get(name);
    if (ids === undefined) return;
    ids.delete(state.session.id);
    if (ids.size === 0) this.services.delete(name);
  }

  /** Counts for metrics and tests. */
  stats(): { sessions: number; services: number; confirmationSubscribers: number; serviceStopSubscribers: number } {
    let serviceStopSubscribers = 0;
    for (const state of this.sessions.values()) if (state.serviceStop !== null) serviceStopSubscribers++;
    return {
      sessions: this.sessions.size,
      services: this.services.size,
      confirmationSubscribers: this.confirmationSubscribers,
      serviceStopSubscribers,
    };
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

function held(credentials: Credentials, correlationId: string | undefined): Held {
  return correlationId === undefined ? { credentials } : { credentials, correlationId };
}

/** The one Error envelope that tells a session a subscription (or registration) of it was revoked. */
function revocation(topic: HeldTopic, correlationId: string | undefined, serviceName?: string): ResponseEnvelope {
  return revocationEnvelope(
    serviceName === undefined ? topic : `${topic} ${JSON.stringify(serviceName)}`,
    correlationId,
  );
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
