/**
 * Steady load: several clients at a fixed offered rate over HTTP (v2 bare
 * messages, v2 envelopes, legacy actions) and both IPC transports (encoding 4
 * envelopes with credentials, encoding 1 legacy). Every answer is classified
 * (allowed / denied / error) and, where the transport authorizes, checked
 * against the policies that may have been active while it was in flight.
 */
import * as http from 'node:http';
import { IpcClient } from '@nano-access/ipc-server';
import { allows, type Operation } from './policies';
import type { Policy } from '@nano-access/resolver';

/** Which valid policies may decide a request: versions lo..hi of the sequence. */
export interface DecisionWindow {
  versions: readonly Policy[];
  /** Index of the version confirmed active now. */
  confirmed(): number;
  /** Index of the newest version that may be active now (confirmed, or written and not yet confirmed). */
  newest(): number;
}

export function fixedWindow(policy: Policy): DecisionWindow {
  return { versions: [policy], confirmed: () => 0, newest: () => 0 };
}

type Outcome = { kind: 'allowed' } | { kind: 'denied' } | { kind: 'error'; message: string };

export interface PhaseStats {
  name: string;
  startedAt: number;
  endedAt: number;
  requests: number;
  denied: number;
  errors: number;
  /** Errors whose message says what happened (the upstream is unavailable): phase 2's "clear errors". */
  clearErrors: number;
  wrongDecisions: number;
  /** Requests not sent because the channel's in-flight cap was reached (the server fell behind). */
  backlogged: number;
  latenciesMs: number[];
  errorSamples: Map<string, number>;
  wrongSamples: string[];
  /** (time, ok) of every answer, for the outage timeline. */
  timeline: Array<{ t: number; ok: boolean }>;
}

function newStats(name: string): PhaseStats {
  return {
    name,
    startedAt: Date.now(),
    endedAt: 0,
    requests: 0,
    denied: 0,
    errors: 0,
    clearErrors: 0,
    wrongDecisions: 0,
    backlogged: 0,
    latenciesMs: [],
    errorSamples: new Map(),
    wrongSamples: [],
    timeline: [],
  };
}

export interface LoadTarget {
  httpUrl: string;
  tcpPort: number;
  socketPath: string;
  window: DecisionWindow;
  /** Credentials to cycle through; undefined = none (the default user). */
  credentials: ReadonlyArray<string | undefined>;
  account: string;
}

interface Channel {
  name: string;
  ratePerSecond: number;
  maxInFlight: number;
  /** Whether the transport authorizes per credentials (IPC encoding 1 is trusted by transport). */
  authorizes: boolean;
  send(credentials: string | undefined, operation: Operation): Promise<Outcome>;
  close(): Promise<void>;
}

const LEGACY_ACTIONS = ['account_weight', 'account_balance', 'block_count'];
const REQUEST_TIMEOUT_MS = 10_000;
const CLEAR_ERROR = /upstream node unavailable/i;

function classifyEnvelope(envelope: { message_type?: unknown; message?: unknown }): Outcome {
  if (envelope.message_type === 'AccountWeightResponse') return { kind: 'allowed' };
  if (envelope.message_type === 'Error') {
    const message = envelope.message as { code?: unknown; message?: unknown };
    if (message.code === 3) return { kind: 'denied' };
    return { kind: 'error', message: `Error ${String(message.code)}: ${String(message.message)}` };
  }
  return { kind: 'error', message: `unexpected message_type ${String(envelope.message_type)}` };
}

function classifyLegacy(status: number, body: Record<string, unknown>): Outcome {
  // A denial is HTTP 200 by default (as the node answers errors), 403 with legacy_denial_status = 403.
  if ((status === 200 || status === 403) && body.error === 'Access denied') return { kind: 'denied' };
  if (status === 200 && body.error === undefined) return { kind: 'allowed' };
  return {
    kind: 'error',
    message: `HTTP ${status} ${typeof body.error === 'string' ? body.error : JSON.stringify(body).slice(0, 80)}`,
  };
}

function postJson(
  agent: http.Agent,
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
            });
          } catch {
            reject(new Error(`HTTP ${res.statusCode}: body is not JSON`));
          }
        });
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no HTTP answer within 10 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Idle keep-alive sockets are closed after this, under the gateway's keep_alive_timeout of 5 s. */
const IDLE_SOCKET_MS = 4000;

/**
 * The soak's HTTP clients' agent: keep-alive, at most `maxSockets`, and an idle socket closed here
 * before the gateway closes it (its keep_alive_timeout, 5 s by default and in the soak). Node 20's
 * agent honours the server's `Keep-Alive: timeout=5` hint only when the agent has a timeout of its
 * own; without one a request could be written on a socket just as the server closed it, and fail
 * with ECONNRESET: a client's race, not the server's failure, and the likely cause of a failure
 * seen once in 24 CI runs (phase 9, three requests reset at one moment). The race itself is
 * measured in docs/gateway.md (keep_alive_timeout): 2 of 40 requests sent at the close were reset
 * without an agent timeout, none with one.
 */
export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS });
}

function httpChannels(target: LoadTarget, rate: number): Channel[] {
  const agent = keepAliveAgent(6);
  const apiKey = (credentials: string | undefined): Record<string, string> =>
    credentials === undefined ? {} : { 'nano-api-key': credentials };
  const close = async (): Promise<void> => agent.destroy();
  return [
    {
      name: 'http v2 AccountWeight',
      ratePerSecond: rate,
      maxInFlight: 6,
      authorizes: true,
      close,
      async send(credentials) {
        const res = await postJson(
          agent,
          `${target.httpUrl}/api/v2/AccountWeight`,
          { account: target.account },
          apiKey(credentials),
        );
        return res.status === 200 ? classifyEnvelope(res.body) : { kind: 'error', message: `HTTP ${res.status}` };
      },
    },
    {
      name: 'http v2 envelope',
      ratePerSecond: rate,
      maxInFlight: 6,
      authorizes: true,
      close: async () => undefined,
      async send(credentials) {
        const envelope = {
          message_type: 'AccountWeight',
          message: { account: target.account },
          ...(credentials === undefined ? {} : { credentials }),
        };
        const res = await postJson(agent, `${target.httpUrl}/api/v2`, envelope, {});
        return res.status === 200 ? classifyEnvelope(res.body) : { kind: 'error', message: `HTTP ${res.status}` };
      },
    },
    {
      name: 'http legacy',
      ratePerSecond: rate,
      maxInFlight: 6,
      authorizes: true,
      close: async () => undefined,
      async send(credentials, operation) {
        const res = await postJson(
          agent,
          `${target.httpUrl}/`,
          { action: operation.name, account: target.account },
          apiKey(credentials),
        );
        return classifyLegacy(res.status, res.body);
      },
    },
  ];
}

function ipcChannels(target: LoadTarget, rate: number): Channel[] {
  const channels: Channel[] = [];
  for (const transport of ['tcp', 'unix'] as const) {
    const options = transport === 'tcp' ? { host: '127.0.0.1', port: target.tcpPort } : { path: target.socketPath };
    const v2 = new IpcClient({ ...options, timeoutMs: REQUEST_TIMEOUT_MS, env: {} });
    const legacy = new IpcClient({ ...options, timeoutMs: REQUEST_TIMEOUT_MS, env: {} });
    channels.push(
      {
        name: `ipc ${transport} encoding 4`,
        ratePerSecond: rate,
        maxInFlight: 6,
        authorizes: true,
        close: () => v2.close(),
        async send(credentials) {
          const response = await v2.call({
            message_type: 'AccountWeight',
            message: { account: target.account },
            ...(credentials === undefined ? {} : { credentials }),
          });
          return classifyEnvelope(response);
        },
      },
      {
        name: `ipc ${transport} encoding 1`,
        ratePerSecond: rate / 2,
        maxInFlight: 6,
        authorizes: false,
        close: () => legacy.close(),
        async send(_credentials, operation) {
          const body = await legacy.legacy({ action: operation.name, account: target.account });
          if (body.error === undefined) return { kind: 'allowed' };
          if (body.error === 'Access denied') return { kind: 'denied' };
          return { kind: 'error', message: typeof body.error === 'string' ? body.error : JSON.stringify(body.error) };
        },
      },
    );
  }
  return channels;
}

/** Drives every channel at its rate until stop(); stats are kept per phase. */
export class LoadDriver {
  private readonly channels: Channel[];
  private stats: PhaseStats;
  readonly phases: PhaseStats[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: number[];
  private issued: number[];
  private startedAt = 0;
  private counter = 0;

  constructor(
    private readonly target: LoadTarget,
    ratePerChannel: number,
    options: { http?: boolean; ipc?: boolean } = {},
  ) {
    this.channels = [
      ...(options.http === false ? [] : httpChannels(target, ratePerChannel)),
      ...(options.ipc === false ? [] : ipcChannels(target, ratePerChannel)),
    ];
    this.inFlight = this.channels.map(() => 0);
    this.issued = this.channels.map(() => 0);
    this.stats = newStats('warm-up');
    this.phases.push(this.stats);
  }

  get offeredRate(): number {
    return this.channels.reduce((sum, channel) => sum + channel.ratePerSecond, 0);
  }

  /** Starts a new phase; the previous one's stats are closed. */
  phase(name: string): PhaseStats {
    this.stats.endedAt = Date.now();
    this.stats = newStats(name);
    this.phases.push(this.stats);
    return this.stats;
  }

  start(): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), 5);
  }

  private tick(): void {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    this.channels.forEach((channel, i) => {
      const due = Math.floor(elapsed * channel.ratePerSecond) - this.issued[i];
      for (let n = 0; n < due; n += 1) {
        this.issued[i] += 1;
        if (this.inFlight[i] >= channel.maxInFlight) {
          this.stats.backlogged += 1;
          continue;
        }
        this.fire(i);
      }
    });
  }

  private fire(i: number): void {
    const channel = this.channels[i];
    const n = this.counter++;
    const credentials = this.target.credentials[n % this.target.credentials.length];
    const operation: Operation =
      channel.name.includes('legacy') || channel.name.includes('encoding 1')
        ? {
            kind: 'action',
            name: LEGACY_ACTIONS[Math.floor(n / this.target.credentials.length) % LEGACY_ACTIONS.length],
          }
        : { kind: 'message', name: 'AccountWeight' };
    const window = this.target.window;
    const lo = window.confirmed();
    const sent = process.hrtime.bigint();
    this.inFlight[i] += 1;
    void channel
      .send(credentials, operation)
      .catch((error: unknown): Outcome => ({ kind: 'error', message: `transport: ${(error as Error).message}` }))
      .then((outcome) => {
        // Counted in the phase it ends in: a request in flight when the upstream is killed is an outage request.
        const stats = this.stats;
        this.inFlight[i] -= 1;
        const hi = window.newest();
        stats.requests += 1;
        stats.latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
        stats.timeline.push({ t: Date.now(), ok: outcome.kind !== 'error' });
        if (outcome.kind === 'error') {
          stats.errors += 1;
          if (CLEAR_ERROR.test(outcome.message)) stats.clearErrors += 1;
          const key = `${channel.name}: ${outcome.message.replace(/\d{2,}/g, 'N').slice(0, 120)}`;
          stats.errorSamples.set(key, (stats.errorSamples.get(key) ?? 0) + 1);
          return;
        }
        if (outcome.kind === 'denied') stats.denied += 1;
        const allowed = outcome.kind === 'allowed';
        let matches = false;
        for (let k = lo; k <= hi && !matches; k += 1) {
          const expected = channel.authorizes ? allows(window.versions[k], credentials, operation) : true;
          matches = expected === allowed;
        }
        if (!matches) {
          stats.wrongDecisions += 1;
          if (stats.wrongSamples.length < 5) {
            const who =
              credentials === undefined
                ? 'no credentials'
                : this.target.credentials.indexOf(credentials) >= 0
                  ? `credentials #${this.target.credentials.indexOf(credentials)}`
                  : 'credentials';
            stats.wrongSamples.push(
              `${channel.name} ${operation.name} as ${who}: got ${outcome.kind}, versions ${lo}..${hi} say otherwise`,
            );
          }
        }
      });
  }

  /** Stops issuing, waits for answers in flight (bounded), closes the clients. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + REQUEST_TIMEOUT_MS + 2000;
    while (this.inFlight.some((n) => n > 0) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    this.stats.endedAt = Date.now();
    for (const channel of this.channels) await channel.close().catch(() => undefined);
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
