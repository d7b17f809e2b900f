import { CACHEABLE_ACTIONS, type JsonObject, type LegacyForward, type PromiseOrValue } from '@nano-access/protocol';
import { Registry } from '@nano-access/metrics';
import type { CacheConfig } from '../config/rpc-config';

type LegacyRequest = JsonObject & { action: string };
type LegacyBackend = Parameters<LegacyForward>[1];

interface Entry {
  readonly key: string;
  /**
   * The answer as JSON text: each hit gets its own parsed copy, so no caller (or backend that
   * still holds parts of the object it answered) can change what the next caller gets.
   */
  readonly text: string;
  readonly expiresAt: number;
  readonly size: number;
  /** The recency list: toward the least recently used (`older`) and the most (`newer`). */
  older: Entry | null;
  newer: Entry | null;
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
 *   least recently used first out. Recency is a doubly linked list beside the lookup Map, so a
 *   hit, an insert and an eviction are a few pointer moves: a Map used as the list (delete and
 *   set to move, its first key to evict) leaves a hole per move, which its iterator walks
 *   over on every eviction, several µs a miss once the cache is full.
 * - Expired entries are never served; each insert also drops up to two expired entries from the
 *   least recently used end, so that a short TTL does not keep the cache full of dead answers
 *   (they would cost memory and garbage-collection time until evicted).
 * - Concurrent misses for one key make one backend call (single flight); they share its answer.
 *   The call in flight waits in the same Map as the kept answers, under its key, and the answer
 *   takes its place: one Map, not two. A second Map whose one entry was added and deleted on
 *   every miss made V8 shrink and regrow its table each time (~1.2 µs of a ~4.7 µs miss,
 *   `npm run bench -- protections`).
 * - A hit is a fresh copy of the kept answer (parsed from its JSON text).
 */
export class ResponseCache {
  private readonly rules = new Map<string, ActionRule>();
  /** Kept answers, and the backend calls in flight (a promise) under the key they will be kept by. */
  private readonly entries = new Map<string, Entry | Promise<JsonObject>>();
  /** The least and the most recently used entries (both null when empty). */
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
  /** The kept answers (`entries` also holds the calls in flight). */
  private kept = 0;
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
  through(request: LegacyRequest, backend: LegacyBackend): PromiseOrValue<JsonObject> {
    const rule = this.rules.get(request.action);
    if (rule === undefined) return backend.legacy(request);
    const key = cacheKey(request, rule.parameters);
    if (key === undefined) {
      rule.counts[3]++;
      return backend.legacy(request);
    }
    const found = this.entries.get(key);
    if (found instanceof Promise) {
      rule.counts[2]++;
      return found;
    }
    if (found !== undefined) {
      if (found.expiresAt > this.now()) {
        this.touch(found);
        rule.counts[0]++;
        return JSON.parse(found.text) as JsonObject;
      }
      // Expired: out of the recency list; the call made now takes its place in the Map.
      this.unlink(found);
    }
    rule.counts[1]++;
    const fetched = this.fetch(key, rule, request, backend);
    this.entries.set(key, fetched);
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
      entries.set(this.kept);
      bytes.set(this.bytes);
      limit.set(this.config.maxBytes);
      evictions.set(this.evictions);
    });
    return registry;
  }

  /**
   * The backend's answer, kept when it may be. Its promise waits under `key` in `entries` until
   * then: the answer takes its place, or the key is freed (an error, an answer not kept).
   */
  private fetch(key: string, rule: ActionRule, request: LegacyRequest, backend: LegacyBackend): Promise<JsonObject> {
    let answered: Promise<JsonObject>;
    try {
      // A promise even when the backend answers at once: requests asking the same thing meanwhile
      // wait on it, and keep() runs in one place.
      answered = Promise.resolve(backend.legacy(request));
    } catch (error) {
      // Through the same handlers as a rejection: the key's place is freed, never left holding it.
      answered = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const fetched: Promise<JsonObject> = answered.then(
      (answer) => {
        // Only this call's own place: nothing else replaces a call in flight, but say so here.
        if (this.entries.get(key) === fetched && !(answer.error === undefined && this.keep(key, rule, answer)))
          this.entries.delete(key);
        return answer;
      },
      (error: unknown) => {
        if (this.entries.get(key) === fetched) this.entries.delete(key);
        throw error;
      },
    );
    return fetched;
  }

  /** Keeps `answer` under `key` (where its call waited); false when it may not be kept. */
  private keep(key: string, rule: ActionRule, answer: JsonObject): boolean {
    let text: string;
    try {
      text = JSON.stringify(answer);
    } catch {
      return false; // not JSON (a cycle, a BigInt): never from a backend, and never kept
    }
    const size = key.length + text.length;
    if (size > this.config.maxBytes) return false;
    const now = this.now();
    for (let swept = 0; swept < 2 && this.oldest !== null && this.oldest.expiresAt <= now; swept++)
      this.remove(this.oldest);
    while (this.oldest !== null && (this.kept >= this.config.maxEntries || this.bytes + size > this.config.maxBytes)) {
      this.remove(this.oldest);
      this.evictions++;
    }
    const entry: Entry = { key, text, expiresAt: now + rule.ttlMs, size, older: this.newest, newer: null };
    if (this.newest === null) this.oldest = entry;
    else this.newest.newer = entry;
    this.newest = entry;
    this.entries.set(key, entry);
    this.kept++;
    this.bytes += size;
    return true;
  }

  /** Makes `entry` the most recently used. */
  private touch(entry: Entry): void {
    if (entry === this.newest) return;
    // Not the newest, so it has a newer neighbour.
    const newer = entry.newer!;
    newer.older = entry.older;
    if (entry.older === null) this.oldest = newer;
    else entry.older.newer = newer;
    entry.older = this.newest;
    entry.newer = null;
    this.newest!.newer = entry;
    this.newest = entry;
  }

  /** Drops a kept entry: out of the recency list and the Map. */
  private remove(entry: Entry): void {
    this.unlink(entry);
    this.entries.delete(entry.key);
  }

  /** Takes a kept entry out of the recency list and the counts; its key stays in the Map. */
  private unlink(entry: Entry): void {
    if (entry.older === null) this.oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === null) this.newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = entry.newer = null;
    this.kept--;
    this.bytes -= entry.size;
  }
}

/** `action` and the request's parameters as canonical JSON; undefined when a parameter is not in `parameters`. */
export function cacheKey(request: LegacyRequest, parameters: ReadonlySet<string>): string | undefined {
  const names = Object.keys(request);
  // Most requests carry a parameter or two: no array of the names but `action`, and no sort.
  let others = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === 'action') continue;
    if (!parameters.has(name)) return undefined;
    names[others++] = name;
  }
  names.length = others;
  if (others > 1) names.sort();
  let key = request.action;
  for (let i = 0; i < others; i++) key += `\n${names[i]}=${canonicalJson(request[names[i]])}`;
  return key;
}

/**
 * The characters JSON.stringify writes as escapes: quote, backslash, controls, and surrogates
 * (a lone one is escaped; a pair is not, but a string with one takes the slow path anyway).
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  // A string with nothing to escape is itself in quotes: the same text as JSON.stringify's,
  // without its call into V8's runtime (~0.5 µs of a cache miss, whose key holds the account).
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
