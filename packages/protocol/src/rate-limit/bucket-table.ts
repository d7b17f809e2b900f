import type { TokenBucket } from './token-bucket';

/**
 * A bucket table with a fixed number of entries, least recently used first out. A Map keeps
 * insertion order, so touching an entry (delete, set) moves it to the end and the first key is
 * always the least recently used: a lookup and a move per request, an eviction in O(1).
 *
 * Forgetting a bucket is safe: a client that comes back gets a full bucket, exactly what a client
 * never seen gets, so eviction never grants more than a fresh client is granted anyway.
 */
export class BucketTable<B extends TokenBucket> {
  private readonly entries = new Map<string, B>();
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
    const bucket = this.entries.get(key);
    if (bucket !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, bucket);
    }
    return bucket;
  }

  /** Holds `bucket` for `key` (a key not held), forgetting the least recently used when full. */
  add(key: string, bucket: B): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) {
        this.entries.delete(oldest.value);
        this.evictions++;
      }
    }
    this.entries.set(key, bucket);
  }

  /** The bucket of `key` without touching it (tests, inspection). */
  peek(key: string): B | undefined {
    return this.entries.get(key);
  }
}
