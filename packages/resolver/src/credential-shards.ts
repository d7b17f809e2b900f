/**
 * The credentials of a very large policy, in shards.
 *
 * A JS Map cannot be sized in advance: it doubles when full, and the doubling allocates the new
 * table and moves every entry in the one `set` that fills it. Rebuilt on a server's thread
 * (PolicyAssembler), the doubling at 524,288 ids is one step of ~150 ms (a 28 MB table) that no
 * chunking can split (docs/performance.md, "The stall at 1M users"). In k Maps each doubling
 * moves about 1/k of the ids, and the assembler ends its turn after one (policy-transfer.ts).
 *
 * Only policies of more than SHARD_ABOVE ids are sharded: finding the shard costs check() two
 * charCodeAt, a mask and a call (+74 instructions, 456 → 530 per call by callgrind), which an
 * ordinary policy must not pay. At or below the threshold the policy holds one Map and check()
 * runs exactly the code it always did; the `slots.get` in check() only becomes polymorphic (a
 * Map or a ShardedSlots) in a process that has held both kinds of policy.
 */

/**
 * The most ids a policy keeps in one Map when rebuilt by a PolicyAssembler. 2^18: the largest
 * doubling such a Map goes through is the one at 131,072 ids (~30–35 ms of CPU on our VM, a
 * 7 MB table), which leaves room under the 100 ms stall target for a scavenge landing in the
 * same turn (30–55 ms). At 2^19 the doubling at 262,144 (61–75 ms) alone would take most of it.
 */
export const SHARD_ABOVE = 1 << 18;

/** Ids per shard a sharded policy aims at: each shard's last doubling then moves at most 2^15 ids (~10 ms). */
export const IDS_PER_SHARD = 1 << 16;

/** The most shards: at 64 × 2^16 ids (4M) the shards grow past IDS_PER_SHARD rather than multiply. */
const MAX_SHARDS = 64;

/** The number of shards (a power of two) for `ids` ids: 1 at or below `shardAbove`, else enough for `idsPerShard` each. */
export function shardCountFor(ids: number, shardAbove = SHARD_ABOVE, idsPerShard = IDS_PER_SHARD): number {
  if (ids <= shardAbove) return 1;
  let shards = 2;
  while (shards < MAX_SHARDS && shards * idsPerShard < ids) shards *= 2;
  return shards;
}

/**
 * The shard of `credentials` among mask + 1 (a power of two): the code of its last character
 * xor that of its middle one, masked. Either alone fails on common id shapes (a padded base64
 * key ends in "=", in "user-0001" the middle is "-"); together they spread them. '' and
 * anything that is not a string go to shard 0, whose Map.get then answers as the one Map would:
 * "" is the default user's key, a non-string is no one's.
 */
export function shardOf(credentials: unknown, mask: number): number {
  if (typeof credentials !== 'string') return 0;
  const length = credentials.length;
  if (length === 0) return 0;
  return (credentials.charCodeAt(length - 1) ^ credentials.charCodeAt(length >>> 1)) & mask;
}

/**
 * What the policy's readers (check, explain, decide, exportPolicy) use of its credentials → slot
 * table: a Map has it all, and so does ShardedSlots. Iteration is in slot order (a Map's
 * insertion order is slot order).
 */
export interface CredentialSlots extends Iterable<[string, number]> {
  readonly size: number;
  get(credentials: string): number | undefined;
  has(credentials: string): boolean;
  keys(): Iterable<string>;
}

/** Credentials → slot, in shards: only check()'s call to get() tells it from a Map. */
export class ShardedSlots implements CredentialSlots {
  readonly size: number;
  private readonly mask: number;

  /** `shards`: a power of two of Maps, the id in shards[shardOf(id, shards.length - 1)], slots 0..size-1. */
  constructor(private readonly shards: readonly Map<string, number>[]) {
    this.mask = shards.length - 1;
    let size = 0;
    for (const shard of shards) size += shard.size;
    this.size = size;
    Object.freeze(this);
  }

  get(credentials: string): number | undefined {
    return this.shards[shardOf(credentials, this.mask)].get(credentials);
  }

  has(credentials: string): boolean {
    return this.get(credentials) !== undefined;
  }

  /** Every id, in slot order (each shard holds its ids' slots, not their order across shards). */
  keys(): string[] {
    const ids = new Array<string>(this.size);
    for (const shard of this.shards) for (const [id, slot] of shard) ids[slot] = id;
    return ids;
  }

  *[Symbol.iterator](): Iterator<[string, number]> {
    let slot = 0;
    for (const id of this.keys()) yield [id, slot++];
  }
}
