/**
 * Shared by bench/check.ts and bench/scale.ts: a deterministic, realistic
 * access file (roles, allow, deny, bare, unrestricted admins) and a pool of
 * credentials that includes unknown keys and the default user.
 */
import type { Catalog } from '@nano-access/resolver';

/** A small, fast, seeded PRNG (mulberry32), so every run measures the same file. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function pickSome<T>(rand: () => number, items: readonly T[], min: number, max: number): T[] {
  const count = min + Math.floor(rand() * (max - min + 1));
  const chosen = new Set<T>();
  while (chosen.size < count) chosen.add(pick(rand, items));
  return [...chosen];
}

function apiKey(rand: () => number): string {
  let key = 'key-';
  for (let i = 0; i < 32; i++) key += '0123456789abcdef'[Math.floor(rand() * 16)];
  return key;
}

export const GROUPS = [
  'account_query',
  'node_query',
  'wallet_read',
  'wallet_write',
  'service',
  'utility',
  'signing',
  'block_publish',
  'work',
  'node_control',
  'epoch_upgrade',
  'wallet',
  'api_topic_confirmation',
];

export interface GeneratedFile {
  text: string;
  userIds: string[];
}

/**
 * users users and roles roles. Mix: 60% roles only, 15% roles + allow,
 * 10% roles + deny, 10% bare with their own allow list, 5% unrestricted
 * narrowed by a deny. Lists alternate the comma string and the array form.
 */
export function generateAccessFile(catalog: Catalog, users: number, roles: number, seed = 42): GeneratedFile {
  const rand = random(seed);
  const apis = catalog.permissions.map((p) => p.name).filter((name) => name.startsWith('api_'));
  const list = (names: string[]): string =>
    rand() < 0.7 ? `"${names.join(', ')}"` : `[${names.map((n) => `"${n}"`).join(', ')}]`;
  const parts: string[] = [];
  const roleIds: string[] = [];
  for (let r = 0; r < roles; r++) {
    const id = `role-${r}`;
    roleIds.push(id);
    const allow = [...pickSome(rand, GROUPS, 0, 2), ...pickSome(rand, apis, 1, 4)];
    parts.push(`[[role]]\nid = "${id}"\nallow = ${list(allow)}\n`);
  }
  parts.push('[[user]]\n# the default user: anyone without credentials\nallow = "node_query, utility"\n');
  const userIds: string[] = [];
  for (let u = 0; u < users; u++) {
    const id = apiKey(rand);
    userIds.push(id);
    const kind = rand();
    let body = `[[user]]\nid = "${id}"\n`;
    if (kind < 0.6) body += `roles = ${list(pickSome(rand, roleIds, 1, 3))}\n`;
    else if (kind < 0.75)
      body += `roles = ${list(pickSome(rand, roleIds, 1, 2))}\nallow = ${list(pickSome(rand, apis, 1, 3))}\n`;
    else if (kind < 0.85)
      body += `roles = ${list(pickSome(rand, roleIds, 1, 3))}\ndeny = ${list(pickSome(rand, [...apis, 'wallet_write', 'node_control'], 1, 2))}\n`;
    else if (kind < 0.95) body += `allow = ${list(pickSome(rand, [...apis, ...GROUPS], 2, 4))}\nbare = true\n`;
    else
      body += `allow = "unrestricted"\ndeny = ${list(pickSome(rand, ['wallet_seed_change', 'node_control', 'api_stop', 'wallet'], 1, 2))}\n`;
    parts.push(body);
  }
  return { text: parts.join('\n'), userIds };
}

/**
 * Credentials as a server meets them: 80% configured users, 10% unknown
 * keys, 10% the default user (absent or empty credentials).
 */
export function credentialPool(userIds: readonly string[], size: number, seed = 7): Array<string | undefined> {
  const rand = random(seed);
  const pool: Array<string | undefined> = [];
  for (let i = 0; i < size; i++) {
    const roll = rand();
    if (roll < 0.8) pool.push(pick(rand, userIds));
    else if (roll < 0.9) pool.push(apiKey(rand));
    else pool.push(rand() < 0.5 ? '' : undefined);
  }
  return pool;
}

/** Permissions as a server checks them: mostly legacy actions, some messages and group names. */
export function permissionPool(catalog: Catalog, size: number, seed = 9): string[] {
  const rand = random(seed);
  const apis = catalog.permissions.map((p) => p.name).filter((name) => name.startsWith('api_'));
  const messages = Object.values(catalog.messages).filter((p): p is string => p !== null);
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    const roll = rand();
    pool.push(roll < 0.7 ? pick(rand, apis) : roll < 0.9 ? pick(rand, messages) : pick(rand, GROUPS));
  }
  return pool;
}

/** Name-level closure and deny closure of a catalog, for peers that have no `implies`. */
export function closures(catalog: Catalog) {
  const all = catalog.permissions.map((p) => p.name);
  const byName = new Map(catalog.permissions.map((p) => [p.name, p.implies]));
  const memo = new Map<string, Set<string>>();
  const closureOf = (name: string): Set<string> => {
    let set = memo.get(name);
    if (!set) {
      set = new Set([name]);
      for (const child of name === 'unrestricted' ? all : (byName.get(name) ?? []))
        if (child !== name) for (const x of closureOf(child)) set.add(x);
      memo.set(name, set);
    }
    return set;
  };
  const closure = (names: Iterable<string>): Set<string> => {
    const out = new Set<string>();
    for (const name of names) for (const x of closureOf(name)) out.add(x);
    return out;
  };
  const denyClosure = (names: Iterable<string>): Set<string> => {
    const removed = closure(names);
    const out = new Set(removed);
    for (const p of all)
      for (const x of closureOf(p))
        if (removed.has(x)) {
          out.add(p);
          break;
        }
    return out;
  };
  return { closure, denyClosure };
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(1)} /s`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A forced full GC: bench/run.ts starts node with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc --import tsx (npm run bench does)');
  gc();
  gc();
}
