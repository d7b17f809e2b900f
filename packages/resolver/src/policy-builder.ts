import type { CompiledCatalog } from './catalog/compiled-catalog';
import { CompiledPolicy } from './compiled-policy';
import { compactInts, compactUserIndex, PROFILE_BARE, PROFILE_DEFAULT } from './policy-tables';

/**
 * A user with its names resolved to role numbers and permission ids (sorted,
 * distinct). The compiler fills one of these for user after user: the
 * builder copies what it keeps, so a million users cost no arrays here.
 */
export interface ResolvedUser {
  index: number;
  isDefault: boolean;
  bare: boolean;
  roles: IdList;
  allow: IdList;
  deny: IdList;
}

/** A reusable list of ids: filled, made canonical (sorted, distinct), read, then reset for the next user. */
export class IdList {
  ids = new Int32Array(8);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(id: number): void {
    if (this.length === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.length++] = id;
  }

  /** Sorts and drops repeats in place: an insertion sort for the short lists users write (no garbage; linear when already sorted). */
  canonical(): this {
    const ids = this.ids;
    const n = this.length;
    if (n < 2) return this;
    if (n <= 32) {
      for (let i = 1; i < n; i++) {
        const v = ids[i];
        let j = i - 1;
        while (j >= 0 && ids[j] > v) {
          ids[j + 1] = ids[j];
          j--;
        }
        ids[j + 1] = v;
      }
    } else ids.subarray(0, n).sort(); // typed arrays sort numerically
    let kept = 1;
    for (let i = 1; i < n; i++) if (ids[i] !== ids[kept - 1]) ids[kept++] = ids[i];
    this.length = kept;
    return this;
  }
}

/**
 * Builds the policy tables user by user: profiles (bare, roles, allow, deny)
 * and effective sets are interned, so a user costs one Map entry.
 */
export class PolicyBuilder {
  private readonly words: number;
  private readonly slots: Map<string, number>;
  /** The slots Map was given, already holding every id (see the constructor). */
  private readonly slotsGiven: boolean;
  // Growable typed arrays, not number[]: a million pushes into a JS array cost a third of a
  // second of copying and collecting at that size, and finish() would copy them once more.
  private readonly slotProfile: IntVector;
  private readonly slotUserIndex: IntVector;
  private readonly slotBase: IntVector;
  private readonly sets: WordVector;
  /** Hash of a set's words → its offset. */
  private readonly setIndex: HashIndex;
  /** Hash of a profile → its number. */
  private readonly profileIndex: HashIndex;
  private readonly profileStart: IntVector;
  private readonly profilePool: IntVector;
  /** Profile → offset of its effective set. */
  private readonly profileSet: IntVector;
  private readonly scratch: Uint32Array;
  private defaultSet: Uint32Array;

  /**
   * `expectedUsers`: how many users will be placed (a guess; it sizes the tables). `slots`: the
   * credentials Map, already holding every id with its slot (the default user's "" at 0, then
   * users in the order they will be placed), from a caller that made it while checking the ids
   * for repeats (the parser's UserColumns): the policy keeps it as it is, and place() and
   * placeDefault() then only fill the tables, slot after slot.
   */
  constructor(
    private readonly cc: CompiledCatalog,
    private readonly roleClosure: Uint32Array,
    expectedUsers = 1024,
    slots?: ReadonlyMap<string, number>,
  ) {
    this.slotsGiven = slots !== undefined;
    this.slots = (slots as Map<string, number> | undefined) ?? new Map<string, number>();
    const capacity = Math.max(16, expectedUsers + 1);
    this.slotProfile = new IntVector(capacity);
    this.slotUserIndex = new IntVector(capacity);
    this.slotBase = new IntVector(capacity);
    this.profileStart = new IntVector(capacity);
    this.profileSet = new IntVector(capacity);
    this.profilePool = new IntVector(capacity * 4);
    this.sets = new WordVector(capacity * cc.words);
    this.profileIndex = new HashIndex(capacity);
    this.setIndex = new HashIndex(capacity);
    this.words = cc.words;
    this.scratch = new Uint32Array(cc.words);
    this.defaultSet = new Uint32Array(cc.words);
  }

  placeDefault(user: ResolvedUser): void {
    if (this.slotsGiven) this.placeNext(user);
    else this.place(user, '');
    const base = this.slotBase.data[0]; // the default user is always placed first
    this.defaultSet = this.sets.data.slice(base, base + this.words);
  }

  /**
   * Adds the user under `ownId`: its credentials as a string of their own
   * (ownString/ownStrings): an id sliced out of a large source would keep the
   * whole source alive. The same string is looked up and stored, so its hash
   * is computed once.
   */
  place(user: ResolvedUser, ownId: string): void {
    if (this.slots.has(ownId)) return; // a duplicate id: the parser's error; the first entry wins
    this.slots.set(ownId, this.slotBase.length);
    this.placeNext(user);
  }

  /** Fills the next slot's tables with `user` (when the slots Map was given: its ids are already there). */
  placeNext(user: ResolvedUser): void {
    const profile = this.internProfile(user);
    this.slotProfile.push(profile);
    this.slotUserIndex.push(user.index);
    this.slotBase.push(this.profileSet.data[profile]);
  }

  /** The profile number of (default?, bare, roles, allow, deny), adding it (and its effective set) when new. */
  private internProfile(user: ResolvedUser): number {
    const flags = (user.bare ? PROFILE_BARE : 0) | (user.isDefault ? PROFILE_DEFAULT : 0);
    // Hashed as numbers (FNV-1a over the ids), not as a key string: a million users, no garbage.
    let hash = Math.imul(0x811c9dc5 ^ flags, 0x01000193);
    hash = hashList(hash, user.roles);
    hash = hashList(hash, user.allow);
    hash = hashList(hash, user.deny);
    const index = this.profileIndex;
    let at = index.first(hash);
    for (; !index.isEmpty(at); at = index.next(at)) {
      if (index.hashAt(at) === hash && this.sameProfile(index.valueAt(at), flags, user)) return index.valueAt(at);
    }
    const profile = this.profileStart.length;
    index.insert(at, hash, profile);
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
    const pool = this.profilePool.data;
    const at = this.profileStart.data[profile];
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
      slotBase: this.slotBase.trimmed(),
      slotProfile: compactInts(this.slotProfile.view()),
      slotUserIndex: compactUserIndex(this.slotUserIndex.view()),
      defaultSlot: 0,
      sets: this.sets.trimmed(),
      profileStart: this.profileStart.trimmed(),
      profilePool: compactInts(this.profilePool.view()),
      roleNames,
      roleAllow,
      roleClosure: this.roleClosure,
      userCount,
    });
  }

  /** The offset of a set equal to `set`, adding it when new. */
  private internSet(set: Uint32Array): number {
    const words = this.words;
    let hash = 0x811c9dc5 | 0;
    for (let w = 0; w < words; w++) hash = Math.imul(hash ^ set[w], 0x01000193);
    const index = this.setIndex;
    let at = index.first(hash);
    for (; !index.isEmpty(at); at = index.next(at)) {
      if (index.hashAt(at) === hash && this.sameSet(index.valueAt(at), set)) return index.valueAt(at);
    }
    const sets = this.sets;
    const base = sets.length;
    for (let w = 0; w < words; w++) sets.push(set[w]);
    index.insert(at, hash, base);
    return base;
  }

  private sameSet(base: number, set: Uint32Array): boolean {
    const sets = this.sets.data;
    for (let w = 0; w < this.words; w++) if (sets[base + w] !== set[w]) return false;
    return true;
  }

  /** docs/access-file.md "Resolution" for one user, into `out`. */
  private effectiveSet(user: ResolvedUser, out: Uint32Array): void {
    const cc = this.cc;
    const words = this.words;
    if (user.bare) out.fill(0);
    else out.set(user.isDefault ? cc.defaults : this.defaultSet);
    const { roles, allow, deny } = user;
    for (let i = 0; i < roles.length; i++) orRow(out, 0, this.roleClosure, roles.ids[i] * words, words);
    for (let i = 0; i < allow.length; i++) orRow(out, 0, cc.closure, allow.ids[i] * words, words);
    for (let i = 0; i < deny.length; i++) {
      const row = deny.ids[i] * words;
      for (let w = 0; w < words; w++) out[w] &= ~cc.denyClosure[row + w];
    }
  }
}

/**
 * An open-addressing table from 32-bit hashes to non-negative ints (linear
 * probing, no deletes), for interning while building: a Map<number, …> boxes
 * hashes and needs an array per collision; this is two typed arrays. The
 * caller probes from first(hash) with next() until it finds its value or an
 * empty slot, and inserts at that empty slot.
 */
class HashIndex {
  private hashes: Int32Array;
  /** Value + 1; 0 is an empty slot. */
  private values: Int32Array;
  private mask: number;
  private count = 0;

  /** Room for `expected` values before the first growth. */
  constructor(expected = 512) {
    let size = 1024;
    while (size < expected * 2 + 2) size *= 2;
    this.hashes = new Int32Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  first(hash: number): number {
    return (hash ^ (hash >>> 16)) & this.mask;
  }

  next(at: number): number {
    return (at + 1) & this.mask;
  }

  isEmpty(at: number): boolean {
    return this.values[at] === 0;
  }

  hashAt(at: number): number {
    return this.hashes[at];
  }

  valueAt(at: number): number {
    return this.values[at] - 1;
  }

  /** Stores at `at`, an empty slot found by probing for `hash`. */
  insert(at: number, hash: number, value: number): void {
    this.hashes[at] = hash;
    this.values[at] = value + 1;
    if (++this.count * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const { hashes, values } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.values = new Int32Array(values.length * 2);
    this.mask = this.hashes.length - 1;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === 0) continue;
      let at = this.first(hashes[i]);
      while (this.values[at] !== 0) at = this.next(at);
      this.hashes[at] = hashes[i];
      this.values[at] = values[i];
    }
  }
}

/** An Int32Array that grows as it is pushed to. */
class IntVector {
  data: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed, in an array of their own of exactly that length. */
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }

  /** The values pushed, a view of the vector's own array (copy what is kept). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** IntVector for unsigned 32-bit words (effective sets). */
class WordVector {
  data: Uint32Array;
  length = 0;

  constructor(capacity: number) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  trimmed(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

function hashList(hash: number, list: IdList): number {
  const { ids, length } = list;
  let h = Math.imul(hash ^ (length + 0x9e37), 0x01000193);
  for (let i = 0; i < length; i++) h = Math.imul(h ^ ids[i], 0x01000193);
  return h;
}

function pushList(pool: IntVector, list: IdList): void {
  const { ids, length } = list;
  pool.push(length);
  for (let i = 0; i < length; i++) pool.push(ids[i]);
}

/** The pool offset after `list` when the pool holds it at `at`, or -1. */
function matchList(pool: Int32Array, at: number, list: IdList): number {
  const { ids, length } = list;
  if (pool[at] !== length) return -1;
  for (let i = 0; i < length; i++) if (pool[at + 1 + i] !== ids[i]) return -1;
  return at + 1 + length;
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
