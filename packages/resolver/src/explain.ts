import type { Credentials, Decision, Deny, Explanation, Grant, PermissionExplanation, UserKind } from './types';
import type { CompiledCatalog } from './catalog/compiled-catalog';
import { readProfile, userIndexOfSlot, type PolicyTables, type Profile } from './policy-tables';

function has(set: Uint32Array, base: number, id: number): boolean {
  return (set[base + (id >>> 5)] & (1 << (id & 31))) !== 0;
}

/**
 * The derivation of one decision, recomputed from the compact profile of the
 * user (explain is rare; nothing is kept per user for it).
 */
export function explain(tables: PolicyTables, credentials: Credentials, permission?: string): Explanation {
  const id = credentials ?? '';
  const slot = tables.slots.get(id);
  if (slot === undefined) {
    const unknown: Explanation = { user: { id, kind: 'unknown' }, effective: [] };
    if (permission !== undefined) unknown.permission = { name: permission, allowed: false, grants: [], denies: [] };
    return unknown;
  }
  const base = tables.slotBase[slot];
  const kind: UserKind = slot === tables.defaultSlot ? 'default' : 'user';
  const userIndex = userIndexOfSlot(tables, slot);
  const effective = effectiveNames(tables, base).slice();
  const explanation: Explanation = { user: userIndex >= 0 ? { id, kind, index: userIndex } : { id, kind }, effective };
  if (permission !== undefined) explanation.permission = explainPermission(tables, slot, base, permission);
  return explanation;
}

/**
 * check() with who asked and why a denial, for a log line per request: check()'s lookup and bit
 * test when allowed; a denial walks only the user's own lists (roles, allow, deny), allocating
 * nothing but the answer. No derivation.
 */
export function decide(tables: PolicyTables, credentials: Credentials, permission: string | null): Decision {
  const slot = tables.slots.get(credentials ?? '');
  if (slot === undefined) {
    return permission === null
      ? { allowed: true, user: { kind: 'unknown' } }
      : { allowed: false, user: { kind: 'unknown' }, reason: 'unknown-credentials' };
  }
  const userIndex = userIndexOfSlot(tables, slot);
  const kind: UserKind = slot === tables.defaultSlot ? 'default' : 'user';
  const user = userIndex >= 0 ? { kind, index: userIndex } : { kind };
  if (permission === null) return { allowed: true, user };
  const cc = tables.compiledCatalog;
  const p = cc.ids.get(permission);
  if (p === undefined) return { allowed: false, user, reason: 'unknown-permission' };
  if (has(tables.sets, tables.slotBase[slot], p)) return { allowed: true, user };
  const profile = readProfile(tables, tables.slotProfile[slot]);
  const defaultBase = tables.slotBase[tables.defaultSlot];
  if (grantsBeforeDenies(tables, profile, p, defaultBase)) {
    const own = firstDenyOf(tables, profile, p);
    if (own >= 0) return { allowed: false, user, reason: 'deny', deny: cc.names[own] };
  } else if (!profile.bare && !profile.isDefault) {
    // What the default user had and its deny removed is not inherited (explain's "denied to the default user").
    const defaultProfile = readProfile(tables, tables.slotProfile[tables.defaultSlot]);
    if (grantsBeforeDenies(tables, defaultProfile, p, defaultBase)) {
      const inherited = firstDenyOf(tables, defaultProfile, p);
      if (inherited >= 0) return { allowed: false, user, reason: 'default-user-deny', deny: cc.names[inherited] };
    }
  }
  return { allowed: false, user, reason: 'no-grant' };
}

/** Whether any source of the profile grants p before denies (collectGrants, without building the grants). */
function grantsBeforeDenies(tables: PolicyTables, profile: Profile, p: number, defaultBase: number): boolean {
  const cc = tables.compiledCatalog;
  const pool = tables.profilePool;
  if (!profile.bare) {
    if (profile.isDefault) {
      for (const name of cc.catalog.defaults) if (reaches(cc, cc.ids.get(name)!, p)) return true;
    } else if (has(tables.sets, defaultBase, p)) {
      return true;
    }
  }
  for (let i = profile.roles + 1, end = i + pool[profile.roles]; i < end; i++) {
    if (has(tables.roleClosure, pool[i] * cc.words, p)) return true;
  }
  for (let i = profile.allow + 1, end = i + pool[profile.allow]; i < end; i++) {
    if (reaches(cc, pool[i], p)) return true;
  }
  return false;
}

/** The first deny of the profile that removes p (addDenies' test), or -1. */
function firstDenyOf(tables: PolicyTables, profile: Profile, p: number): number {
  const cc = tables.compiledCatalog;
  const pool = tables.profilePool;
  const words = cc.words;
  for (let i = profile.deny + 1, end = i + pool[profile.deny]; i < end; i++) {
    const d = pool[i];
    if (d === p || has(cc.closure, d * words, p) || has(cc.denyClosure, d * words, p)) return d;
  }
  return -1;
}

/** Sorted names per interned set, for explain() called user after user (as a linter does); bounded. */
const namesCaches = new WeakMap<PolicyTables, Map<number, readonly string[]>>();
const NAMES_CACHE_LIMIT = 4096;
/** Permission id → its position in name order, per catalog. */
const nameRanks = new WeakMap<CompiledCatalog, { rank: Int32Array; byRank: Uint32Array }>();

/** The sorted names of the set at `base`. */
export function effectiveNames(tables: PolicyTables, base: number): readonly string[] {
  let cache = namesCaches.get(tables);
  if (!cache) namesCaches.set(tables, (cache = new Map<number, readonly string[]>()));
  const cached = cache.get(base);
  if (cached) return cached;
  const names = namesOfSet(tables.compiledCatalog, tables.sets, base);
  if (cache.size < NAMES_CACHE_LIMIT) cache.set(base, names);
  return names;
}

/**
 * The names of the set's bits in name order: each bit set (a few dozen, of a
 * catalog's hundreds) is moved to its name-order position in a scratch
 * bitset, which is then read in order: no sort, no test of every permission.
 */
function namesOfSet(cc: CompiledCatalog, sets: Uint32Array, base: number): string[] {
  const { rank, byRank } = ranksOf(cc);
  const words = cc.words;
  const scratch = byRank;
  let count = 0;
  for (let w = 0; w < words; w++) {
    for (let bits = sets[base + w]; bits !== 0; bits &= bits - 1) {
      // The lowest bit set: 31 - clz32(that bit alone) is its position.
      const r = rank[(w << 5) + 31 - Math.clz32(bits & -bits)];
      scratch[r >>> 5] |= 1 << (r & 31);
      count++;
    }
  }
  const names = new Array<string>(count);
  let n = 0;
  for (let w = 0; w < words; w++) {
    for (let bits = scratch[w]; bits !== 0; bits &= bits - 1)
      names[n++] = cc.names[cc.sortedIds[(w << 5) + 31 - Math.clz32(bits & -bits)]];
    scratch[w] = 0;
  }
  return names;
}

/** Permission id → its position in name order, and a scratch bitset indexed by that position (zero between calls). */
function ranksOf(cc: CompiledCatalog): { rank: Int32Array; byRank: Uint32Array } {
  let ranks = nameRanks.get(cc);
  if (!ranks) {
    const rank = new Int32Array(cc.names.length);
    cc.sortedIds.forEach((id, position) => (rank[id] = position));
    ranks = { rank, byRank: new Uint32Array(cc.words) };
    nameRanks.set(cc, ranks);
  }
  return ranks;
}

function explainPermission(tables: PolicyTables, slot: number, base: number, name: string): PermissionExplanation {
  const cc = tables.compiledCatalog;
  const p = cc.ids.get(name);
  if (p === undefined) return { name, allowed: false, grants: [], denies: [] };
  const allowed = has(tables.sets, base, p);
  const profile = readProfile(tables, tables.slotProfile[slot]);
  const defaultBase = tables.slotBase[tables.defaultSlot];
  const grants = collectGrants(tables, profile, p, defaultBase);
  const denies: Deny[] = [];
  addDenies(denies, tables, profile, p, 'deny');
  if (!allowed && !profile.bare && !profile.isDefault) {
    // The default user's deny matters only when it removed p from the default user's own grants.
    const defaultProfile = readProfile(tables, tables.slotProfile[tables.defaultSlot]);
    if (collectGrants(tables, defaultProfile, p, defaultBase).length > 0)
      addDenies(denies, tables, defaultProfile, p, 'inherited');
  }
  return { name, allowed, grants, denies };
}

/** Every source in the profile that grants p, before denies. */
function collectGrants(tables: PolicyTables, profile: Profile, p: number, defaultBase: number): Grant[] {
  const cc = tables.compiledCatalog;
  const pool = tables.profilePool;
  const grants: Grant[] = [];
  if (!profile.bare) {
    if (profile.isDefault) {
      for (const name of cc.catalog.defaults) addGrant(grants, cc, cc.ids.get(name)!, p, { source: 'builtin-default' });
    } else if (has(tables.sets, defaultBase, p)) {
      grants.push({ source: 'inherited-default-user' });
    }
  }
  for (let i = profile.roles + 1, end = i + pool[profile.roles]; i < end; i++) {
    const role = pool[i];
    for (const granted of tables.roleAllow[role]) {
      // Tested before the origin is built: most of a role's grants do not reach p.
      if (reaches(cc, granted, p)) addGrant(grants, cc, granted, p, { source: 'role', role: tables.roleNames[role] });
    }
  }
  for (let i = profile.allow + 1, end = i + pool[profile.allow]; i < end; i++) {
    if (reaches(cc, pool[i], p)) addGrant(grants, cc, pool[i], p, { source: 'allow' });
  }
  return grants;
}

/** True when granting `granted` grants p (p itself or one it implies). */
function reaches(cc: CompiledCatalog, granted: number, p: number): boolean {
  return has(cc.closure, granted * cc.words, p);
}

function addDenies(
  denies: Deny[],
  tables: PolicyTables,
  profile: Profile,
  p: number,
  kind: 'deny' | 'inherited',
): void {
  const cc = tables.compiledCatalog;
  const pool = tables.profilePool;
  const words = cc.words;
  for (let i = profile.deny + 1, end = i + pool[profile.deny]; i < end; i++) {
    const d = pool[i];
    let reason: 'denied' | 'implied-by-denied' | 'implies-denied';
    if (d === p) reason = 'denied';
    else if (has(cc.closure, d * words, p)) reason = 'implied-by-denied';
    else if (has(cc.denyClosure, d * words, p))
      reason = 'implies-denied'; // p includes d or something d includes
    else continue;
    const permission = cc.names[d];
    denies.push(
      kind === 'deny' ? { source: 'deny', permission, reason } : { source: 'inherited-default-user-deny', permission },
    );
  }
}

/** Adds how `granted` (given by `origin`) reaches p, if it does: directly, through unrestricted, or by the shortest implies chain. */
function addGrant(grants: Grant[], cc: CompiledCatalog, granted: number, p: number, origin: Grant): void {
  if (!reaches(cc, granted, p)) return;
  if (granted === p) {
    grants.push(origin);
    return;
  }
  if (granted === cc.unrestrictedId) {
    grants.push({ source: 'unrestricted', via: origin });
    return;
  }
  // Breadth-first from `granted` down the implies DAG to p.
  const parent = new Map<number, number>([[granted, -1]]);
  const queue = [granted];
  for (let i = 0; i < queue.length && !parent.has(p); i++) {
    for (const child of cc.implies[queue[i]]) {
      if (!parent.has(child)) {
        parent.set(child, queue[i]);
        queue.push(child);
      }
    }
  }
  const chain: number[] = [];
  for (let at = parent.get(p)!; at !== -1; at = parent.get(at)!) chain.push(at);
  // chain is [immediate parent of p, …, granted]: build from the granted end.
  let grant = origin;
  for (let i = chain.length - 1; i >= 1; i--) grant = { source: 'implied', by: cc.names[chain[i]], via: grant };
  grants.push({ source: 'implied', by: cc.names[chain[0]], via: grant });
}
