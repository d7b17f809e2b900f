import { nanoCatalog } from '@nano-access/resolver';
import cacheableJson from './cacheable-actions.json';
import responseCapsJson from './response-caps.json';

/** What the node does when a capped request leaves `count` out. */
export type CountDefault = 'required' | 'unlimited' | number;

/** The list parameters whose entries each add to an answer. */
export type ListParameter = 'accounts' | 'hashes';

/**
 * Legacy actions with a `count` that sizes their answer, and what the node does without one
 * (response-caps.json). Every name is a catalog action (tested).
 */
export const COUNT_PARAMETER_ACTIONS: ReadonlyMap<string, CountDefault> = new Map(
  Object.entries(responseCapsJson.counts as Record<string, CountDefault>),
);

/** Legacy actions whose answer grows with the entries of one list parameter (response-caps.json). */
export const LIST_PARAMETER_ACTIONS: ReadonlyMap<string, ListParameter> = new Map(
  Object.entries(responseCapsJson.lists as Record<string, ListParameter>),
);

/**
 * The legacy actions whose answers may be cached and shared between callers, each with the
 * parameters the node reads for it (cacheable-actions.json): read-only reads whose answer
 * depends on their parameters only, never on the caller or a wallet.
 */
export const CACHEABLE_ACTIONS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(cacheableJson as Record<string, unknown>)
    .filter((entry): entry is [string, string[]] => Array.isArray(entry[1]))
    .map(([action, parameters]) => [action, Object.freeze([...parameters])]),
);

/** The resource groups whose actions only read the ledger or the node's state. */
const READ_ONLY_GROUPS = ['account_query', 'node_query'] as const;

/**
 * The catalog's read-only legacy actions: those of account_query and node_query, minus control
 * actions and actions with a control argument. Their parameters carry no wallet id, password,
 * seed or private key, and they change nothing, which is what a GET may carry (legacy_get).
 */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = readOnlyActions();

function readOnlyActions(): ReadonlySet<string> {
  const implied = new Map(nanoCatalog.permissions.map((p) => [p.name, p.implies]));
  const reachable = new Set<string>();
  const pending: string[] = [...READ_ONLY_GROUPS];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reachable.has(name)) continue;
    reachable.add(name);
    pending.push(...(implied.get(name) ?? []));
  }
  const actions = new Set<string>();
  for (const [action, entry] of Object.entries(nanoCatalog.actions ?? {})) {
    if (entry.control || entry.controlArguments !== undefined) continue;
    if (reachable.has(entry.permission)) actions.add(action);
  }
  return actions;
}
