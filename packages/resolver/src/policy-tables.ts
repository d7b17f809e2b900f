import type { CompiledCatalog } from './catalog/compiled-catalog';
import type { CredentialSlots } from './credential-shards';

/**
 * Non-negative numbers in the narrowest typed array that holds them: a profile number is one byte
 * a user while a policy has at most 256 profiles (users configured alike share one), two up to
 * 65,536; the profiles' pool of role numbers and permission ids is one or two bytes an entry.
 * Read as `array[i]` whatever its type.
 */
export type CompactInts = Uint8Array | Uint16Array | Int32Array;

/**
 * Slot → position among the file's users: an array, or the number `shift` when every slot's user
 * is `slot + shift`. That is the case of every policy whose ids are distinct: the default user in
 * slot 0 (user 0 when the file configures it, shift 0; -1 when it is implicit, shift -1), then the
 * users in file order. A number saves four bytes a user, a tenth of a policy's heap.
 */
export type SlotUserIndex = Int32Array | number;

/** The user index of a slot (-1: the implicit default user). */
export function userIndexOfSlot(tables: PolicyTables, slot: number): number {
  const index = tables.slotUserIndex;
  return typeof index === 'number' ? slot + index : index[slot];
}

/** `values` in the narrowest CompactInts that holds them, an array of its own (Int32Array when one is negative). */
export function compactInts(values: Int32Array): CompactInts {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0) return values.slice();
    if (values[i] > max) max = values[i];
  }
  if (max <= 0xff) return Uint8Array.from(values);
  if (max <= 0xffff) return Uint16Array.from(values);
  return values.slice();
}

/** The SlotUserIndex of `indexes` (slot → user index): the shift when one fits every slot, else a copy. */
export function compactUserIndex(indexes: Int32Array): SlotUserIndex {
  if (indexes.length === 0) return indexes.slice();
  const shift = indexes[0];
  for (let slot = 1; slot < indexes.length; slot++) if (indexes[slot] !== slot + shift) return indexes.slice();
  return shift;
}

/**
 * Everything a compiled policy holds, as flat arrays. Per user: one Map entry
 * (credentials → the user's slot), the offset of its effective set (an int32), and
 * its profile number (a byte or two while profiles are few) that only explain()
 * reads. Everything else is shared: identical effective sets are stored once, and
 * so are identical user "profiles" (bare, roles, allow, deny).
 */
export interface PolicyTables {
  readonly compiledCatalog: CompiledCatalog;
  /**
   * Credentials → the user's slot, its position in the Map's insertion order
   * (for the arrays below). The default user is the key "" and comes first.
   * A Map, except in a policy of more than SHARD_ABOVE ids rebuilt from a
   * transfer: ShardedSlots (credential-shards.ts), which iterates in slot order.
   */
  readonly slots: CredentialSlots;
  /**
   * Slot → offset of the user's effective set in `sets`: check() needs the
   * slots and this, nothing else. (A slot rather than the offset in the Map
   * lets decide() and explain() name the user without a second index of every id.)
   */
  readonly slotBase: Int32Array;
  /** Slot → profile number. */
  readonly slotProfile: CompactInts;
  /** Slot → position among the file's users; -1 for an implicit default user (read with userIndexOfSlot). */
  readonly slotUserIndex: SlotUserIndex;
  readonly defaultSlot: number;
  /** Interned effective sets, `compiledCatalog.words` words each. */
  readonly sets: Uint32Array;
  /**
   * Profiles, packed: at profileStart[n]: flags (1 bare, 2 default user),
   * then a count and that many ids for roles, allow and deny in turn.
   */
  readonly profileStart: Int32Array;
  readonly profilePool: CompactInts;
  readonly roleNames: readonly string[];
  /** Role number → its allow ids. */
  readonly roleAllow: readonly Int32Array[];
  /** Role number → everything its allow list grants (the closures of its allow ids), `words` words each: decide()'s test of a role. */
  readonly roleClosure: Uint32Array;
  /** Users configured in the file (the default user included when configured). */
  readonly userCount: number;
}

/**
 * A profile located in the pool (explain only): for roles, allow and deny,
 * the offset of the list's count, its ids following (read with listAt; no
 * copies or views are made per explain).
 */
export interface Profile {
  bare: boolean;
  isDefault: boolean;
  roles: number;
  allow: number;
  deny: number;
}

export const PROFILE_BARE = 1;
export const PROFILE_DEFAULT = 2;

export function readProfile(tables: PolicyTables, profile: number): Profile {
  const pool = tables.profilePool;
  const at = tables.profileStart[profile];
  const flags = pool[at];
  const roles = at + 1;
  const allow = roles + 1 + pool[roles];
  const deny = allow + 1 + pool[allow];
  return { bare: (flags & PROFILE_BARE) !== 0, isDefault: (flags & PROFILE_DEFAULT) !== 0, roles, allow, deny };
}
