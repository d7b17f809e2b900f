import type { Catalog, CatalogAction } from '../types';
import { PolicyError, ResolverErrorCode } from '../errors';
import { isLoadedCatalog, loadCatalog, UNRESTRICTED } from './load-catalog';
import { NameIndex } from './name-index';

/**
 * A catalog turned into numbers: each permission a bit index, and for each
 * permission the bitset of its closure and of its deny closure. Built once per
 * catalog object and shared by every policy compiled against it.
 */
export interface CompiledCatalog {
  readonly catalog: Catalog;
  /** Bit index → name, in catalog order. */
  readonly names: readonly string[];
  /** Name → bit index. */
  readonly ids: ReadonlyMap<string, number>;
  /** Name → bit index, -1 for any other string: the hot path of check(). */
  readonly nameIndex: NameIndex;
  /** Names sorted, for effective() (bit order is catalog order). */
  readonly sortedIds: Int32Array;
  /** 32-bit words per permission set. */
  readonly words: number;
  /** Row p (words wide): closure({p}), p itself included. */
  readonly closure: Uint32Array;
  /** Row p: deny_closure({p}): closure({p}) and everything that implies a member of it. */
  readonly denyClosure: Uint32Array;
  /** closure(catalog.defaults). */
  readonly defaults: Uint32Array;
  /** Direct implies as ids (unrestricted's are implicit: everything). */
  readonly implies: readonly Int32Array[];
  readonly unrestrictedId: number;
  readonly messages: ReadonlyMap<string, string | null>;
  readonly actions: ReadonlyMap<string, CatalogAction>;
}

const compiledCatalogs = new WeakMap<Catalog, CompiledCatalog>();

/**
 * The compiled form of a catalog. A catalog object that did not come from
 * loadCatalog is validated first; an invalid one is a programming error.
 */
export function compiledCatalogOf(catalog: Catalog): CompiledCatalog {
  let compiled = compiledCatalogs.get(catalog);
  if (compiled) return compiled;
  if (isLoadedCatalog(catalog)) {
    compiled = buildCompiledCatalog(catalog);
    compiledCatalogs.set(catalog, compiled);
    return compiled;
  }
  // Validated and normalized (a frozen copy with unrestricted); policies report the copy.
  const loaded = loadCatalog(catalog);
  if (!loaded.catalog) {
    const reasons = loaded.errors.map((e) => e.message).join('; ');
    throw new PolicyError(
      ResolverErrorCode.catalogInvalid,
      `invalid catalog "${String((catalog as { name?: unknown })?.name)}": ${reasons}`,
    );
  }
  compiled = buildCompiledCatalog(loaded.catalog);
  compiledCatalogs.set(loaded.catalog, compiled);
  compiledCatalogs.set(catalog, compiled);
  return compiled;
}

function buildCompiledCatalog(catalog: Catalog): CompiledCatalog {
  const names = catalog.permissions.map((p) => p.name);
  const ids = new Map<string, number>();
  names.forEach((name, i) => ids.set(name, i));
  const count = names.length;
  const words = Math.max(1, Math.ceil(count / 32));
  const unrestrictedId = ids.get(UNRESTRICTED)!;
  const implies = catalog.permissions.map((p) => Int32Array.from(p.implies.map((name) => ids.get(name)!)));

  const closure = new Uint32Array(count * words);
  const done = new Uint8Array(count);
  // Post-order over the DAG (validated acyclic), iteratively.
  for (let root = 0; root < count; root++) {
    if (done[root]) continue;
    const stack = [root];
    while (stack.length > 0) {
      const p = stack[stack.length - 1];
      const pending = [...implies[p]].filter((child) => !done[child] && child !== unrestrictedId);
      if (pending.length > 0) {
        for (const child of pending) stack.push(child);
        continue;
      }
      stack.pop();
      if (done[p]) continue;
      const row = p * words;
      closure[row + (p >>> 5)] |= 1 << (p & 31);
      for (const child of implies[p]) {
        for (let w = 0; w < words; w++) closure[row + w] |= closure[child * words + w];
      }
      done[p] = 1;
    }
  }
  // unrestricted implies everything.
  const fullRow = unrestrictedId * words;
  for (let p = 0; p < count; p++) closure[fullRow + (p >>> 5)] |= 1 << (p & 31);

  // denyClosure(p) = closure(p) plus every permission that implies any member of it:
  // {q : closure(q) ∩ closure(p) ≠ ∅}. Removing only the ancestors of p itself would
  // leave a set not closed under implies whenever two permissions share a descendant.
  const denyClosure = new Uint32Array(count * words);
  for (let p = 0; p < count; p++) {
    for (let q = 0; q < count; q++) {
      if (intersects(closure, p * words, q * words, words)) denyClosure[p * words + (q >>> 5)] |= 1 << (q & 31);
    }
  }

  const defaults = new Uint32Array(words);
  for (const name of catalog.defaults) {
    const id = ids.get(name)!;
    for (let w = 0; w < words; w++) defaults[w] |= closure[id * words + w];
  }
  const sortedIds = Int32Array.from(
    names.map((_, i) => i).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0)),
  );

  return {
    catalog,
    names,
    ids,
    nameIndex: new NameIndex(names),
    sortedIds,
    words,
    closure,
    denyClosure,
    defaults,
    implies,
    unrestrictedId,
    messages: new Map(Object.entries(catalog.messages)),
    actions: new Map(Object.entries(catalog.actions ?? {})),
  };
}

function intersects(sets: Uint32Array, a: number, b: number, words: number): boolean {
  for (let w = 0; w < words; w++) if (sets[a + w] & sets[b + w]) return true;
  return false;
}
