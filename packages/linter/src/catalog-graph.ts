import type { AccessModel } from '@nano-access/parser';
import type { Catalog } from '@nano-access/resolver';

/** What a catalog's `implies` lists say, read once per catalog (rules of one run, and runs over many files, share it). */
interface CatalogGraph {
  included: (name: string) => readonly string[];
  includes: (name: string, other: string) => boolean;
}

const graphs = new WeakMap<Catalog, CatalogGraph>();

function graphOf(catalog: Catalog): CatalogGraph {
  let graph = graphs.get(catalog);
  if (graph) return graph;
  const implies = new Map(catalog.permissions.map((p) => [p.name, p.implies]));
  const all = catalog.permissions.map((p) => p.name).filter((name) => name !== 'unrestricted');
  const memo = new Map<string, string[]>();
  const sets = new Map<string, ReadonlySet<string>>();
  const included = (name: string): readonly string[] => {
    let found = memo.get(name);
    if (found) return found;
    if (name === 'unrestricted') found = all;
    else {
      const seen = new Set<string>();
      const stack = [...(implies.get(name) ?? [])];
      while (stack.length > 0) {
        const next = stack.pop()!;
        if (next === name || seen.has(next)) continue;
        seen.add(next);
        for (const implied of implies.get(next) ?? []) stack.push(implied);
      }
      found = [...seen];
    }
    memo.set(name, found);
    return found;
  };
  const includes = (name: string, other: string): boolean => {
    let set = sets.get(name);
    if (!set) sets.set(name, (set = new Set(included(name))));
    return set.has(other);
  };
  graph = { included, includes };
  graphs.set(catalog, graph);
  return graph;
}

/**
 * name → the permissions it includes, transitively (itself excluded), read
 * from the catalog's `implies` lists; `unrestricted` includes everything.
 * Rules use it only to decide which permissions to ask the resolver's
 * explain() about: the verdicts come from explain.
 */
export function includedBy(catalog: Catalog): (name: string) => readonly string[] {
  return graphOf(catalog).included;
}

/** Whether `name` includes `other` (as includedBy(catalog)(name).includes(other), without a scan of the list). */
export function inclusionOf(catalog: Catalog): (name: string, other: string) => boolean {
  return graphOf(catalog).includes;
}

/** Role id → every permission its allow names or includes (a pre-check for rules; explain decides). */
export function writtenReach(
  model: AccessModel,
  included: (name: string) => readonly string[],
): { roles: Map<string, Set<string>> } {
  const roles = new Map<string, Set<string>>();
  for (const role of model.roles) {
    const reach = roles.get(role.id) ?? new Set<string>();
    for (const ref of role.allow) {
      reach.add(ref.name);
      for (const name of included(ref.name)) reach.add(name);
    }
    roles.set(role.id, reach);
  }
  return { roles };
}
