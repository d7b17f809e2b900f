/**
 * Permission name → bit index: the lookup check() pays on every call, on top
 * of the credentials' Map.get.
 *
 * A hash table built for the catalog's own names (a near-perfect hash): the
 * slot of a string is computed from its length and two of its characters, at
 * positions chosen per length so that the names of one length differ there,
 * and a multiplier searched so that no two names share a slot. A lookup is
 * then two charCodeAt, a multiply and one string comparison, inlined into
 * check(), with no state kept on the string, so a name read fresh from each
 * request costs one comparison of its characters (a dictionary would first
 * look up the string's internalized copy).
 *
 * Every string is compared in full with the one name at its slot, so a
 * string that is not a catalog name is never taken for one (fail closed).
 * Names that cannot get a slot to themselves (a catalog whose names of one
 * length differ only in more than two places, say) mark their slot as shared
 * and are looked up in a dictionary instead: slower, still exact.
 */

import { internalized } from '../own-string';

/** ids[] of a slot no name hashes to. */
const EMPTY = -1;
/** ids[] of a slot two or more names hash to: look the name up in `shared`. */
const SHARED = -2;
/** Character positions considered per length: enough to tell names apart, bounded for very long names. */
const POSITION_CANDIDATES = 24;
/** Multipliers tried per table size. */
const TRIES = 200;
/** Table sizes tried: from the smallest power of two above twice the names, this many doublings. */
const SIZE_STEPS = 4;

export class NameIndex {
  /** The longest name; longer strings (and '') are not names. */
  private readonly maxLength: number;
  /** positions[L]: the two characters hashed for strings of length L, packed i | j << 16 (one load). */
  private readonly positions: Int32Array;
  private readonly multiplier: number;
  private readonly shift: number;
  /** Slot → the one name whose slot it is, or '' (never equal to a name: names are not empty). */
  private readonly keys: readonly string[];
  /** Slot → that name's bit index, EMPTY or SHARED. */
  private readonly ids: Int32Array;
  /** The names whose slot is SHARED (none for the Nano catalog). */
  private readonly shared: Readonly<Record<string, number | undefined>>;
  /** How many names live in `shared` (for tests and diagnostics). */
  readonly sharedCount: number;

  /** names[i] gets id i. Names must be distinct and non-empty (the catalog validator guarantees it). */
  constructor(names: readonly string[], options: { maxTableBits?: number } = {}) {
    this.maxLength = names.reduce((max, name) => Math.max(max, name.length), 0);
    this.positions = choosePositions(names, this.maxLength);
    const built = placeNames(names, this.positions, options.maxTableBits ?? 16);
    this.multiplier = built.multiplier;
    this.shift = 32 - built.bits;
    this.keys = built.keys;
    this.ids = built.ids;
    const shared = Object.create(null) as Record<string, number | undefined>;
    let sharedCount = 0;
    names.forEach((name, id) => {
      if (built.ids[slotOf(name, this.positions, built.multiplier, 32 - built.bits)] === SHARED) {
        shared[name] = id;
        sharedCount++;
      }
    });
    this.shared = Object.freeze(shared);
    this.sharedCount = sharedCount;
    Object.freeze(this);
  }

  /** The bit index of `name`, or -1 when it is not a name of the catalog. */
  idOf(name: string): number {
    const length = name.length;
    // One unsigned comparison rejects '' and anything longer than every name,
    // which also keeps both charCodeAt positions inside the string.
    if ((length - 1) >>> 0 >= this.maxLength) return -1;
    const at = this.positions[length];
    const key = name.charCodeAt(at & 0xffff) ^ (name.charCodeAt(at >>> 16) << 8) ^ (length << 16);
    const slot = Math.imul(key, this.multiplier) >>> this.shift;
    if (this.keys[slot] === name) return this.ids[slot];
    return this.ids[slot] === SHARED ? (this.shared[name] ?? -1) : -1;
  }
}

/** The same arithmetic as idOf(), for building the table. */
function slotOf(name: string, positions: Int32Array, multiplier: number, shift: number): number {
  return Math.imul(keyOf(name, positions), multiplier) >>> shift;
}

function keyOf(name: string, positions: Int32Array): number {
  const length = name.length;
  const at = positions[length];
  return name.charCodeAt(at & 0xffff) ^ (name.charCodeAt(at >>> 16) << 8) ^ (length << 16);
}

/**
 * How many names share a slot under `multiplier`, counted as they are placed;
 * stops at `enough` (a try that cannot beat the best so far: the search picks
 * the same table as a full count would). `counts` is all zeros on entry and on
 * return: only the slots used are cleared, not the whole table.
 */
function countShared(
  keys: Int32Array,
  multiplier: number,
  shift: number,
  counts: Int32Array,
  slots: Int32Array,
  enough: number,
): number {
  let sharedNames = 0;
  let placed = 0;
  for (; placed < keys.length && sharedNames < enough; placed++) {
    const slot = Math.imul(keys[placed], multiplier) >>> shift;
    slots[placed] = slot;
    const count = ++counts[slot];
    if (count === 2) sharedNames += 2;
    else if (count > 2) sharedNames++;
  }
  for (let i = 0; i < placed; i++) counts[slots[i]] = 0;
  return sharedNames;
}

/**
 * For each length, the pair of positions where that length's names differ
 * most (all of them, for every real catalog). Lengths without names get (0, 0).
 */
function choosePositions(names: readonly string[], maxLength: number): Int32Array {
  const positions = new Int32Array(maxLength + 1);
  const byLength = new Map<number, string[]>();
  for (const name of names) {
    const group = byLength.get(name.length);
    if (group) group.push(name);
    else byLength.set(name.length, [name]);
  }
  const seen = new Set<number>();
  for (const [length, group] of byLength) {
    if (group.length < 2) continue;
    const candidates = candidatePositions(length);
    let best = -1;
    for (let a = 0; a < candidates.length && best < group.length; a++) {
      for (let b = a; b < candidates.length && best < group.length; b++) {
        const i = candidates[a];
        const j = candidates[b];
        const distinct = distinctPairs(group, i, j, seen);
        if (distinct > best) {
          best = distinct;
          positions[length] = i | (j << 16);
        }
      }
    }
  }
  return positions;
}

/** How many different (character i, character j) pairs the names have; `seen` is a reused scratch set. */
function distinctPairs(group: readonly string[], i: number, j: number, seen: Set<number>): number {
  seen.clear();
  for (const name of group) seen.add(name.charCodeAt(i) * 0x10000 + name.charCodeAt(j));
  return seen.size;
}

/** Every position of a short name; the first and last few of a long one (below 2^15: two fit in an int32). */
function candidatePositions(length: number): number[] {
  if (length <= POSITION_CANDIDATES) return Array.from({ length }, (_, i) => i);
  const half = POSITION_CANDIDATES / 2;
  const last = Math.min(length, 0x8000);
  return [...Array.from({ length: half }, (_, i) => i), ...Array.from({ length: half }, (_, i) => last - half + i)];
}

interface Placement {
  bits: number;
  multiplier: number;
  keys: string[];
  ids: Int32Array;
}

/**
 * Searches table sizes and multipliers (deterministically: the same catalog
 * always gets the same table) for the placement with the fewest names in
 * shared slots, stopping at the first with none.
 */
function placeNames(names: readonly string[], positions: Int32Array, maxTableBits: number): Placement {
  const minBits = Math.min(maxTableBits, Math.max(1, Math.ceil(Math.log2(names.length * 2 || 1))));
  // Each name's key once (what slotOf() multiplies): a try is then a multiply and a shift per name.
  const nameKeys = Int32Array.from(names, (name) => keyOf(name, positions));
  const slots = new Int32Array(names.length);
  let best: { bits: number; multiplier: number; sharedNames: number } | null = null;
  for (
    let bits = minBits;
    bits <= Math.min(maxTableBits, minBits + SIZE_STEPS - 1) && best?.sharedNames !== 0;
    bits++
  ) {
    const counts = new Int32Array(1 << bits);
    const shift = 32 - bits;
    for (let t = 0; t < TRIES; t++) {
      // Odd multipliers spread by the golden ratio: a fixed, well-mixed sequence.
      const multiplier = Math.imul(t + 1, 0x9e3779b1) | 1;
      const sharedNames = countShared(
        nameKeys,
        multiplier,
        shift,
        counts,
        slots,
        best === null ? nameKeys.length + 1 : best.sharedNames,
      );
      if (best === null || sharedNames < best.sharedNames) best = { bits, multiplier, sharedNames };
      if (sharedNames === 0) break;
    }
  }
  const { bits, multiplier } = best ?? { bits: 1, multiplier: 1 };
  const keys = new Array<string>(1 << bits).fill('');
  const ids = new Int32Array(1 << bits).fill(EMPTY);
  names.forEach((name, id) => {
    const slot = slotOf(name, positions, multiplier, 32 - bits);
    if (ids[slot] === EMPTY) {
      keys[slot] = internalized(name);
      ids[slot] = id;
    } else {
      keys[slot] = '';
      ids[slot] = SHARED;
    }
  });
  return { bits, multiplier, keys, ids };
}
