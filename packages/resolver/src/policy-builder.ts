import type { CompiledCatalog } from './catalog/compiled-catalog';
import { CompiledPolicy } from './compiled-policy';
import { PROFILE_BARE, PROFILE_DEFAULT } from './policy-tables';
import { ownString } from './own-string';

/** A user with its names resolved to role numbers and permission ids (sorted, distinct). */
export interface ResolvedUser {
  id: string;
  index: number;
  isDefault: boolean;
  bare: boolean;
  roles: number[];
  allow: number[];
  deny: number[];
}

/**
 * Builds the policy tables user by user: profiles (bare, roles, allow, deny)
 * and effective sets are interned, so a user costs one Map entry.
 */
export class PolicyBuilder {
  private readonly words: number;
  private readonly slots = new Map<string, number>();
  private readonly slotProfile: number[] = [];
  private readonly slotUserIndex: number[] = [];
  private readonly sets: number[] = [];
  /** Hash of a set's words → its offset, or offsets when hashes collide. */
  private readonly setIndex = new Map<number, number | number[]>();
  /** Hash of a profile → its number, or numbers when hashes collide. */
  private readonly profileIndex = new Map<number, number | number[]>();
  private readonly profileStart: number[] = [];
  private readonly profilePool: number[] = [];
  /** Profile → offset of its effective set. */
  private readonly profileSet: number[] = [];
  private readonly scratch: Uint32Array;
  private defaultSet: Uint32Array;

  constructor(
    private readonly cc: CompiledCatalog,
    private readonly roleClosure: Uint32Array,
  ) {
    this.words = cc.words;
    this.scratch = new Uint32Array(cc.words);
    this.defaultSet = new Uint32Array(cc.words);
  }

  placeDefault(user: ResolvedUser): void {
    this.place(user);
    const base = this.slots.get('')!;
    this.defaultSet = Uint32Array.from(this.sets.slice(base, base + this.words));
  }

  place(user: ResolvedUser): void {
    if (this.slots.has(user.id)) return; // a duplicate id: the parser's error; the first entry wins
    const profile = this.internProfile(user);
    this.slotProfile.push(profile);
    this.slotUserIndex.push(user.index);
    // ownString: an id sliced out of a large source would keep the whole source alive.
    this.slots.set(ownString(user.id), this.profileSet[profile]);
  }

  /** The profile number of (default?, bare, roles, allow, deny), adding it (and its effective set) when new. */
  private internProfile(user: ResolvedUser): number {
    const flags = (user.bare ? PROFILE_BARE : 0) | (user.isDefault ? PROFILE_DEFAULT : 0);
    // Hashed as numbers (FNV-1a over the ids), not as a key string: a million users, no garbage.
    let hash = Math.imul(0x811c9dc5 ^ flags, 0x01000193);
    hash = hashList(hash, user.roles);
    hash = hashList(hash, user.allow);
    hash = hashList(hash, user.deny) >>> 2;
    const known = this.profileIndex.get(hash);
    if (typeof known === 'number' && this.sameProfile(known, flags, user)) return known;
    if (Array.isArray(known)) for (const profile of known) if (this.sameProfile(profile, flags, user)) return profile;

    const profile = this.profileStart.length;
    if (known === undefined) this.profileIndex.set(hash, profile);
    else if (typeof known === 'number') this.profileIndex.set(hash, [known, profile]);
    else known.push(profile);
    const pool = this.profilePool;
    this.profileStart.push(pool.length);
    pool.push(flags);
    pushList(pool, user.roles);
    pushList(pool, user.allow);
    pushList(pool, user.deny);
    this.effectiveSet(user, this.scratch);
    this.profileSet.push(this.internSet(this.scratch));
    return profile;
  }

  private sameProfile(profile: number, flags: number, user: ResolvedUser): boolean {
    const pool = this.profilePool;
    const at = this.profileStart[profile];
    if (pool[at] !== flags) return false;
    const afterRoles = matchList(pool, at + 1, user.roles);
    if (afterRoles < 0) return false;
    const afterAllow = matchList(pool, afterRoles, user.allow);
    return afterAllow >= 0 && matchList(pool, afterAllow, user.deny) >= 0;
  }

  finish(roleNames: string[], roleAllow: Int32Array[], userCount: number): CompiledPolicy<string> {
    return new CompiledPolicy({
      compiledCatalog: this.cc,
      slots: this.slots,
      slotProfile: Int32Array.from(this.slotProfile),
      slotUserIndex: Int32Array.from(this.slotUserIndex),
      defaultSlot: 0,
      sets: Uint32Array.from(this.sets),
      profileStart: Int32Array.from(this.profileStart),
      profilePool: Int32Array.from(this.profilePool),
      roleNames,
      roleAllow,
      userCount,
    });
  }

  /** The offset of a set equal to `set`, adding it when new. */
  private internSet(set: Uint32Array): number {
    const words = this.words;
    let hash = 0x811c9dc5;
    for (let w = 0; w < words; w++) hash = Math.imul(hash ^ set[w], 0x01000193);
    hash >>>= 2; // stays a small integer
    const known = this.setIndex.get(hash);
    if (typeof known === 'number' && this.sameSet(known, set)) return known;
    if (Array.isArray(known)) for (const base of known) if (this.sameSet(base, set)) return base;
    const sets = this.sets;
    const base = sets.length;
    for (let w = 0; w < words; w++) sets.push(set[w]);
    if (known === undefined) this.setIndex.set(hash, base);
    else if (typeof known === 'number') this.setIndex.set(hash, [known, base]);
    else known.push(base);
    return base;
  }

  private sameSet(base: number, set: Uint32Array): boolean {
    for (let w = 0; w < this.words; w++) if (this.sets[base + w] !== set[w]) return false;
    return true;
  }

  /** ACCESS.md §3 for one user, into `out`. */
  private effectiveSet(user: ResolvedUser, out: Uint32Array): void {
    const cc = this.cc;
    const words = this.words;
    if (user.bare) out.fill(0);
    else out.set(user.isDefault ? cc.defaults : this.defaultSet);
    for (const role of user.roles) orRow(out, 0, this.roleClosure, role * words, words);
    for (const id of user.allow) orRow(out, 0, cc.closure, id * words, words);
    for (const id of user.deny) {
      const row = id * words;
      for (let w = 0; w < words; w++) out[w] &= ~cc.denyClosure[row + w];
    }
  }
}


function hashList(hash: number, list: readonly number[]): number {
  let h = Math.imul(hash ^ (list.length + 0x9e37), 0x01000193);
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ list[i], 0x01000193);
  return h;
}

function pushList(pool: number[], list: readonly number[]): void {
  pool.push(list.length);
  for (let i = 0; i < list.length; i++) pool.push(list[i]);
}

/** The pool offset after `list` when the pool holds it at `at`, or -1. */
function matchList(pool: readonly number[], at: number, list: readonly number[]): number {
  if (pool[at] !== list.length) return -1;
  for (let i = 0; i < list.length; i++) if (pool[at + 1 + i] !== list[i]) return -1;
  return at + 1 + list.length;
}

export function orRow(into: Uint32Array, intoBase: number, from: Uint32Array, fromBase: number, words: number): void {
  for (let w = 0; w < words; w++) into[intoBase + w] |= from[fromBase + w];
}

export function sortedDistinct(ids: number[]): number[] {
  if (ids.length < 2) return ids;
  ids.sort((a, b) => a - b);
  let kept = 1;
  for (let i = 1; i < ids.length; i++) if (ids[i] !== ids[kept - 1]) ids[kept++] = ids[i];
  ids.length = kept;
  return ids;
}
