import type { CompiledCatalog } from './catalog/compiled-catalog';
import type { CredentialSlots } from './credential-shards';

/**
 * Everything a compiled policy holds, as flat arrays. Per user: one Map entry
 * (credentials → offset of the user's effective set) and two int32s that only
 * explain() reads. Everything else is shared: identical effective sets are
 * stored once, and so are identical user "profiles" (bare, roles, allow, deny).
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
  readonly slotProfile: Int32Array;
  /** Slot → position among the file's users; -1 for an implicit default user. */
  readonly slotUserIndex: Int32Array;
  readonly defaultSlot: number;
  /** Interned effective sets, `compiledCatalog.words` words each. */
  readonly sets: Uint32Array;
  /**
   * Profiles, packed: at profileStart[n]: flags (1 bare, 2 default user),
   * then a count and that many ids for roles, allow and deny in turn.
   */
  readonly profileStart: Int32Array;
  readonly profilePool: Int32Array;
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
