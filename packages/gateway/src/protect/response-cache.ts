import { CACHEABLE_ACTIONS, type JsonObject, type LegacyForward } from '@nano-access/protocol';
import { Registry } from '@nano-access/metrics';
import type { CacheConfig } from '../config/rpc-config';

type LegacyRequest = JsonObject & { action: string };
type LegacyBackend = Parameters<LegacyForward>[1];

interface Entry {
  /**
   * The answer as JSON text: each hit gets its own parsed copy, so no caller (or backend that
   * still holds parts of the object it answered) can change what the next caller gets.
   */
  readonly text: string;
  readonly expiresAt: number;
  readonly size: number;
}

interface ActionRule {
  ttlMs: number;
  /** The parameters the node reads for the action; a request with another one is not cached. */
  parameters: ReadonlySet<string>;
  /** hits, misses, coalesced (answered by a fetch already in flight), bypassed. */
  counts: [number, number, number, number];
}

/**
 * The shared cache of read-only legacy answers ([cache]). It sits where the backend is called,
 * after authorization, so every request is authorized before it can be answered from here,
 * and it holds only the actions of protocol's CACHEABLE_ACTIONS, whose answers depend on their
 * parameters only: that is why one answer may go to every caller allowed the action.
 *
 * - The key is the action and its parameters as canonical JSON (keys sorted); a request with a
 *   parameter the table does not list is forwarded and not cached, so junk parameters neither
 *   split the cache nor can make two different questions share an answer.
 * - Only answers without an `error` are kept, for the action's TTL from when they arrived.
 * - Bounded: at most `maxEntries` entries and `maxBytes` characters of keys and answers' JSON,
 *   least recently used first out.
 * - Concurrent misses for one key make one backend call (single flight); they share its answer.
 * - A hit is a fresh copy of the kept answer (parsed from its JSON text).
 */
export class ResponseCache {
  private readonly rules = new Map<string, ActionRule>();
  /** Map order is recency order: a hit moves its entry to the end; eviction takes from the front. */
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<JsonObject>>();
  private bytes = 0;
  private evictions = 0;
  private readonly metrics = this.registerMetrics();

  constructor(
    private readonly config: CacheConfig,
    /** Milliseconds, monotonic (tests inject their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const [action, seconds] of Object.entries(config.ttl)) {
      const parameters = CACHEABLE_ACTIONS.get(action);
      // Config loading refuses other names; a programmatic config gets the same rule.
      if (parameters === undefined) throw new TypeError(`${action} is not a cacheable action`);
      this.rules.set(action, { ttlMs: seconds * 1000, parameters: new Set(parameters), counts: [0, 0, 0, 0] });
    }
  }

  /** The answer from the cache, or from the backend (then kept when it may be). */
  through(request: LegacyRequest, backend: LegacyBackend): Promise<JsonObject> {
    const rule = this.rules.get(request.action);
    if (rule === undefined) return backend.legacy(request);
    const key = cacheKey(request, rule.parameters);
    if (key === undefined) {
      rule.counts[3]++;
      return backend.legacy(request);
    }
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      if (entry.expiresAt > this.now()) {
        this.entries.set(key, entry);
        rule.counts[0]++;
        return Promise.resolve(JSON.parse(entry.text) as JsonObject);
      }
      this.bytes -= entry.size;
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) {
      rule.counts[2]++;
      return pending;
    }
    rule.counts[1]++;
    const fetched = this.fetch(key, rule, request, backend);
    this.inFlight.set(key, fetched);
    return fetched;
  }

  /** Prometheus text: hits, misses, coalesced and bypassed per cached action; entries, bytes, evictions. */
  metricsText(): string {
    return this.metrics.render();
  }

  /** The families, filled from the counts kept on the request path when rendered. */
  private registerMetrics(): Registry {
    const registry = new Registry();
    const perAction = (name: string, help: string) =>
      registry.counter({
        name: `nano_access_gateway_cache_${name}_total`,
        help,
        labelNames: ['action'],
        order: 'created',
      });
    const byCount = [
      perAction('hits', 'Legacy requests answered from the cache.'),
      perAction('misses', 'Legacy requests for a cached action that went to the backend and may fill the cache.'),
      perAction('coalesced', 'Legacy requests that waited for the same request already sent to the backend.'),
      perAction(
        'bypassed',
        'Legacy requests for a cached action passed to the backend uncached: a parameter the cache does not key on.',
      ),
    ];
    const entries = registry.gauge({ name: 'nano_access_gateway_cache_entries', help: 'Answers held by the cache.' });
    const bytes = registry.gauge({
      name: 'nano_access_gateway_cache_bytes',
      help: 'Characters of keys and answers held by the cache (about bytes).',
    });
    const limit = registry.gauge({ name: 'nano_access_gateway_cache_bytes_limit', help: '[cache] max_bytes.' });
    const evictions = registry.counter({
      name: 'nano_access_gateway_cache_evictions_total',
      help: 'Entries dropped to stay within max_entries and max_bytes.',
    });
    registry.collect(() => {
      for (const [action, rule] of this.rules)
        byCount.forEach((counter, index) => counter.set(rule.counts[index], action));
      entries.set(this.entries.size);
      bytes.set(this.bytes);
      limit.set(this.config.maxBytes);
      evictions.set(this.evictions);
    });
    return registry;
  }

  private async fetch(
    key: string,
    rule: ActionRule,
    request: LegacyRequest,
    backend: LegacyBackend,
  ): Promise<JsonObject> {
    try {
      const answer = await backend.legacy(request);
      if (answer.error === undefined) this.keep(key, rule, answer);
      return answer;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private keep(key: string, rule: ActionRule, answer: JsonObject): void {
    let text: string;
    try {
      text = JSON.stringify(answer);
    } catch {
      return; // not JSON (a cycle, a BigInt): never from a backend, and never kept
    }
    const size = key.length + text.length;
    if (size > this.config.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.bytes -= previous.size;
    }
    while (this.entries.size >= this.config.maxEntries || this.bytes + size > this.config.maxBytes) {
      const oldest = this.entries.entries().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value[0]);
      this.bytes -= oldest.value[1].size;
      this.evictions++;
    }
    this.entries.set(key, { text, expiresAt: this.now() + rule.ttlMs, size });
    this.bytes += size;
  }
}

/** `action` and the request's parameters as canonical JSON; undefined when a parameter is not in `parameters`. */
export function cacheKey(request: LegacyRequest, parameters: ReadonlySet<string>): string | undefined {
  const names = Object.keys(request).filter((name) => name !== 'action');
  for (const name of names) if (!parameters.has(name)) return undefined;
  names.sort();
  let key = request.action;
  for (const name of names) key += `\n${name}=${canonicalJson(request[name])}`;
  return key;
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
