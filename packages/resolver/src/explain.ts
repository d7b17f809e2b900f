import type { Credentials, Deny, Explanation, Grant, PermissionExplanation, UserKind } from './types';
import type { CompiledCatalog } from './catalog/compiled-catalog';
import { readProfile, type PolicyTables, type Profile } from './policy-tables';

function has(set: Uint32Array, base: number, id: number): boolean {
  return (set[base + (id >>> 5)] & (1 << (id & 31))) !== 0;
}

/**
 * The derivation of one decision, recomputed from the compact profile of the
 * user (explain is rare; nothing is kept per user for it).
 */
export function explain(tables: PolicyTables, credentials: Credentials, permission?: string): Explanation {
  const cc = tables.compiledCatalog;
  const id = credentials ?? '';
  const base = tables.slots.get(id);
  if (base === undefined) {
    const unknown: Explanation = { user: { id, kind: 'unknown' }, effective: [] };
    if (permission !== undefined) unknown.permission = { name: permission, allowed: false, grants: [], denies: [] };
    return unknown;
  }
  const slot = slotOf(tables, id);
  const kind: UserKind = slot === tables.defaultSlot ? 'default' : 'user';
  const index = tables.slotUserIndex[slot];
  const effective = effectiveNames(tables, base).slice();
  const explanation: Explanation = { user: index >= 0 ? { id, kind, index } : { id, kind }, effective };
  if (permission !== undefined) explanation.permission = explainPermission(tables, slot, base, permission);
  return explanation;
}

/** Sorted names per interned set, for explain() called user after user (as a linter does); bounded. */
const namesCaches = new WeakMap<PolicyTables, Map<number, readonly string[]>>();
const NAMES_CACHE_LIMIT = 4096;

/** The sorted names of the set at `base`. */
export function effectiveNames(tables: PolicyTables, base: number): readonly string[] {
  let cache = namesCaches.get(tables);
  if (!cache) namesCaches.set(tables, (cache = new Map()));
  const cached = cache.get(base);
  if (cached) return cached;
  const cc = tables.compiledCatalog;
  const names: string[] = [];
  for (const p of cc.sortedIds) if (has(tables.sets, base, p)) names.push(cc.names[p]);
  if (cache.size < NAMES_CACHE_LIMIT) cache.set(base, names);
  return names;
}

/** Credentials → slot, built on the first explain() of a policy: servers that never explain never pay for it. */
const slotIndexes = new WeakMap<PolicyTables, Map<string, number>>();

/**
 * A user's slot is its position in the Map's insertion order. check() reaches
 * the effective set straight from the Map, so no per-user slot is stored for
 * it; explain() (rare, but a linter may explain every user) builds an index once.
 */
function slotOf(tables: PolicyTables, credentials: string): number {
  if (credentials === '') return tables.defaultSlot;
  let index = slotIndexes.get(tables);
  if (!index) {
    index = new Map<string, number>();
    let slot = 0;
    for (const key of tables.slots.keys()) index.set(key, slot++);
    slotIndexes.set(tables, index);
  }
  return index.get(credentials) ?? -1;
}

function explainPermission(tables: PolicyTables, slot: number, base: number, name: string): PermissionExplanation {
  const cc = tables.compiledCatalog;
  const p = cc.ids.get(name);
  if (p === undefined) return { name, allowed: false, grants: [], denies: [] };
  const allowed = has(tables.sets, base, p);
  const profile = readProfile(tables, tables.slotProfile[slot]);
  const grants = collectGrants(tables, profile, p);
  const denies: Deny[] = [];
  addDenies(denies, cc, profile, p, 'deny');
  if (!allowed && !profile.bare && !profile.isDefault) {
    // The default user's deny matters only when it removed p from the default user's own grants.
    const defaultProfile = readProfile(tables, tables.slotProfile[tables.defaultSlot]);
    if (collectGrants(tables, defaultProfile, p).length > 0) addDenies(denies, cc, defaultProfile, p, 'inherited');
  }
  return { name, allowed, grants, denies };
}

/** Every source in the profile that grants p, before denies. */
function collectGrants(tables: PolicyTables, profile: Profile, p: number): Grant[] {
  const cc = tables.compiledCatalog;
  const grants: Grant[] = [];
  if (!profile.bare) {
    if (profile.isDefault) {
      for (const name of cc.catalog.defaults) addGrant(grants, cc, cc.ids.get(name)!, p, { source: 'builtin-default' });
    } else if (has(tables.sets, tables.slots.get('')!, p)) {
      grants.push({ source: 'inherited-default-user' });
    }
  }
  for (const role of profile.roles) {
    for (const granted of tables.roleAllow[role]) addGrant(grants, cc, granted, p, { source: 'role', role: tables.roleNames[role] });
  }
  for (const granted of profile.allow) addGrant(grants, cc, granted, p, { source: 'allow' });
  return grants;
}

function addDenies(denies: Deny[], cc: CompiledCatalog, profile: Profile, p: number, kind: 'deny' | 'inherited'): void {
  const words = cc.words;
  for (const d of profile.deny) {
    let reason: 'denied' | 'implied-by-denied' | 'implies-denied';
    if (d === p) reason = 'denied';
    else if (has(cc.closure, d * words, p)) reason = 'implied-by-denied';
    else if (has(cc.denyClosure, d * words, p)) reason = 'implies-denied'; // p includes d or something d includes
    else continue;
    const permission = cc.names[d];
    denies.push(kind === 'deny' ? { source: 'deny', permission, reason } : { source: 'inherited-default-user-deny', permission });
  }
}

/** Adds how `granted` (given by `origin`) reaches p, if it does: directly, through unrestricted, or by the shortest implies chain. */
function addGrant(grants: Grant[], cc: CompiledCatalog, granted: number, p: number, origin: Grant): void {
  if (!has(cc.closure, granted * cc.words, p)) return;
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
