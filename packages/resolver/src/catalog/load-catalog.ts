import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Catalog, CatalogAction, CatalogPermission } from '../types';
import { ResolverErrorCode } from '../errors';
import { validateCatalogShape } from '../generated/catalog-validator';
import { internalized } from '../own-string';

/** The name every catalog has: it implies every permission. */
export const UNRESTRICTED = 'unrestricted';

/** One reason a catalog was refused. */
export interface CatalogProblem {
  code: ResolverErrorCode;
  /** JSON pointer to the offending value, e.g. "/permissions/3/implies/0". */
  path: string;
  message: string;
}

export type CatalogLoadResult = { catalog: Catalog; errors: [] } | { catalog: null; errors: CatalogProblem[] };

// Precompiled from catalogs/catalog.schema.json by scripts/gen-validators.ts (ajv standalone code).
const validateShape = validateCatalogShape as ValidateFunction;

/** Catalogs this module produced: already valid, frozen, normalized. */
const loadedCatalogs = new WeakSet<Catalog>();

/** True for a catalog returned by loadCatalog (no need to validate it again). */
export function isLoadedCatalog(catalog: Catalog): boolean {
  return loadedCatalogs.has(catalog);
}

function schemaProblem(error: ErrorObject): CatalogProblem {
  const where = error.instancePath || '/';
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return {
    code: ResolverErrorCode.catalogSchema,
    path: where,
    message: `catalog ${where}: ${error.message ?? 'invalid'}${extra}`,
  };
}

/**
 * Validates catalog JSON (shape by catalog.schema.json, then the references
 * and the DAG) and returns a frozen copy with `unrestricted` present. Never
 * throws on bad data: every problem found is returned.
 */
export function loadCatalog(json: unknown): CatalogLoadResult {
  const validate = validateShape;
  if (!validate(json)) {
    return { catalog: null, errors: (validate.errors ?? []).map(schemaProblem) };
  }
  const input = json as Catalog;
  const problems: CatalogProblem[] = [];
  // Names internalized: callers pass these very strings to check() (see internalized()).
  const permissions: CatalogPermission[] = input.permissions.map((p) => ({
    name: internalized(p.name),
    description: p.description,
    implies: p.implies.map(internalized),
  }));
  if (!permissions.some((p) => p.name === UNRESTRICTED)) {
    permissions.unshift({
      name: UNRESTRICTED,
      description: 'Everything: implies every permission of the catalog.',
      implies: [],
    });
  }

  const index = new Map<string, number>();
  input.permissions.forEach((p, i) => {
    if (index.has(p.name)) {
      problems.push({
        code: ResolverErrorCode.catalogDuplicatePermission,
        path: `/permissions/${i}/name`,
        message: `catalog: permission "${p.name}" is listed twice`,
      });
    } else index.set(p.name, i);
  });
  const known = (name: string): boolean => name === UNRESTRICTED || index.has(name);

  input.permissions.forEach((p, i) =>
    p.implies.forEach((implied, j) => {
      if (!known(implied)) {
        problems.push({
          code: ResolverErrorCode.catalogUnknownImplies,
          path: `/permissions/${i}/implies/${j}`,
          message: `catalog: "${p.name}" implies unknown permission "${implied}"`,
        });
      }
    }),
  );
  for (const cycle of findCycles(input.permissions)) problems.push(cycle);

  input.defaults.forEach((name, i) => {
    if (!known(name))
      problems.push({
        code: ResolverErrorCode.catalogUnknownDefault,
        path: `/defaults/${i}`,
        message: `catalog: default permission "${name}" is not in the catalog`,
      });
  });
  for (const [message, permission] of Object.entries(input.messages)) {
    if (permission !== null && !known(permission)) {
      problems.push({
        code: ResolverErrorCode.catalogUnknownMessagePermission,
        path: `/messages/${escapePointer(message)}`,
        message: `catalog: message ${message} requires unknown permission "${permission}"`,
      });
    }
  }
  const actions: Record<string, CatalogAction> | undefined = input.actions ? {} : undefined;
  for (const [action, entry] of Object.entries(input.actions ?? {})) {
    if (!known(entry.permission)) {
      problems.push({
        code: ResolverErrorCode.catalogUnknownActionPermission,
        path: `/actions/${escapePointer(action)}/permission`,
        message: `catalog: action ${action} requires unknown permission "${entry.permission}"`,
      });
    }
    // A copy, frozen below: the gate reads controlArguments, so the caller's JSON must not be able to change them later.
    const controlArguments =
      entry.controlArguments === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(entry.controlArguments).map(([name, argument]) => [name, { off: [...argument.off] }]),
          );
    actions![action] = {
      ...entry,
      permission: internalized(entry.permission),
      ...(controlArguments ? { controlArguments } : {}),
    };
  }
  if (problems.length > 0) return { catalog: null, errors: problems };

  const catalog: Catalog = {
    name: input.name,
    permissions: permissions.map((p) => Object.freeze({ ...p, implies: Object.freeze(p.implies) as string[] })),
    defaults: input.defaults.map(internalized),
    messages: Object.fromEntries(
      Object.entries(input.messages).map(([message, permission]) => [
        message,
        permission === null ? null : internalized(permission),
      ]),
    ),
    ...(actions ? { actions } : {}),
  };
  loadedCatalogs.add(deepFreeze(catalog));
  return { catalog, errors: [] };
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Cycles in implies; a permission implying `unrestricted` is one (unrestricted implies everything). */
function findCycles(permissions: readonly CatalogPermission[]): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const byName = new Map<string, CatalogPermission>();
  const position = new Map<string, number>();
  permissions.forEach((p, i) => {
    if (!byName.has(p.name)) {
      byName.set(p.name, p);
      position.set(p.name, i);
    }
  });
  permissions.forEach((p, i) => {
    if (p.name !== UNRESTRICTED && p.implies.includes(UNRESTRICTED)) {
      problems.push({
        code: ResolverErrorCode.catalogImpliesCycle,
        path: `/permissions/${i}/implies`,
        message: `catalog: "${p.name}" implies unrestricted, which implies everything (a cycle)`,
      });
    }
  });
  // Iterative three-colour DFS: catalogs may be deep, the stack must not be.
  const state = new Map<string, 1 | 2>();
  const reported = new Set<string>();
  for (const root of byName.keys()) {
    if (state.has(root)) continue;
    const stack: Array<{ name: string; next: number }> = [{ name: root, next: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const implies = byName.get(frame.name)!.implies;
      if (frame.next >= implies.length) {
        state.set(frame.name, 2);
        stack.pop();
        continue;
      }
      const child = implies[frame.next++];
      if (child === UNRESTRICTED || !byName.has(child)) continue;
      const childState = state.get(child);
      if (childState === undefined) {
        state.set(child, 1);
        stack.push({ name: child, next: 0 });
      } else if (childState === 1) {
        const from = stack.findIndex((f) => f.name === child);
        const cycle = [...stack.slice(from).map((f) => f.name), child];
        const key = [...cycle].slice(0, -1).sort().join(' ');
        if (!reported.has(key)) {
          reported.add(key);
          problems.push({
            code: ResolverErrorCode.catalogImpliesCycle,
            path: `/permissions/${position.get(child)}/implies`,
            message: `catalog: implies has a cycle: ${cycle.join(' -> ')}`,
          });
        }
      }
    }
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
