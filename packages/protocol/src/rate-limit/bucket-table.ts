import type { TokenBucket } from './token-bucket';

/** A bucket in the table's recency list. */
interface Slot<B> {
  readonly key: string;
  readonly bucket: B;
  /** Toward the least recently used (`older`) and the most (`newer`). */
  older: Slot<B> | null;
  newer: Slot<B> | null;
}

/**
 * A bucket table with a fixed number of entries, least recently used first out. A Map finds a
 * key's slot; the slots form a doubly linked list in recency order, so touching an entry is a
 * few pointer moves (none when it is already the most recent) and an eviction takes the oldest
 * in O(1). (A Map alone, moving an entry by delete and set, costs about 1 µs a request: each
 * move leaves a hole that the Map compacts by reallocating its table, and an eviction's
 * `keys().next()` walks the holes at its front.)
 *
 * Forgetting a bucket is safe: a client that comes back gets a full bucket, exactly what a client
 * never seen gets, so eviction never grants more than a fresh client is granted anyway.
 */
export class BucketTable<B extends TokenBucket> {
  private readonly entries = new Map<string, Slot<B>>();
  private oldest: Slot<B> | null = null;
  private newest: Slot<B> | null = null;
  /** Buckets forgotten to make room since the table was made. */
  evictions = 0;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The bucket of `key`, now the most recently used; undefined when the table does not hold one. */
  touch(key: string): B | undefined {
    const slot = this.entries.get(key);
    if (slot === undefined) return undefined;
    if (slot !== this.newest) {
      // Not the newest, so it has a newer neighbour.
      const newer = slot.newer!;
      newer.older = slot.older;
      if (slot.older === null) this.oldest = newer;
      else slot.older.newer = newer;
      slot.older = this.newest;
      slot.newer = null;
      this.newest!.newer = slot;
      this.newest = slot;
    }
    return slot.bucket;
  }

  /** Holds `bucket` for `key` (a key not held), forgetting the least recently used when full. */
  add(key: string, bucket: B): void {
    if (this.entries.size >= this.maxEntries && this.oldest !== null) {
      const oldest = this.oldest;
      this.oldest = oldest.newer;
      if (this.oldest === null) this.newest = null;
      else this.oldest.older = null;
      this.entries.delete(oldest.key);
      this.evictions++;
    }
    const slot: Slot<B> = { key, bucket, older: this.newest, newer: null };
    if (this.newest === null) this.oldest = slot;
    else this.newest.newer = slot;
    this.newest = slot;
    this.entries.set(key, slot);
  }

  /** The bucket of `key` without touching it (tests, inspection). */
  peek(key: string): B | undefined {
    return this.entries.get(key)?.bucket;
  }
}
