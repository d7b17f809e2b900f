/**
 * check() throughput against its floor and its peers, on a 10,000-user,
 * 100-role policy. Run: npx tsc -b && node --expose-gc --import tsx bench/check.ts
 * (npm run bench runs it so).
 *
 * - check():      policy.check(credentials, name), the call every server makes, with the
 *                  catalog's own name strings (what policy.action() and messagePermission() return)
 * - check(), fresh name: the same with each name a string object of its own, used by one call
 *                  (as a name read from each request would be)
 * - checkId():    the prepared form (permissionId once, then checkId)
 * - floor:        a bare Map.get plus one bit test, in the same loop shape
 * - CASL:         @casl/ability, one Ability per user (rules = effective allow + inverted denies)
 * - node-casbin:  enforceSync() on the equivalent RBAC model with deny-override
 */
import os from 'node:os';
import { parseAccessFile, type AccessModel } from '@nano-access/parser';
import { compile, loadPolicy, nanoCatalog, type Policy } from '@nano-access/resolver';
import { newEnforcer, newModelFromString } from 'casbin';
import { createMongoAbility, type MongoAbility } from '@casl/ability';
import {
  closures,
  collectGarbage,
  credentialPool,
  formatRate,
  generateAccessFile,
  median,
  permissionPool,
} from './_access-policy-gen';

const USERS = 10_000;
const ROLES = 100;
const PAIRS = 1 << 16;
const MASK = PAIRS - 1;

type Pair = { credentials: Array<string | undefined>; permissions: string[] };

/**
 * CPU seconds used by this process. The machine is shared: wall time counts
 * other processes' turns on the cores, CPU time counts only ours.
 */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Calls per CPU second of each body, timed in alternating rounds and taking each
 * one's median, so all of them see the same share of a noisy, shared machine.
 */
function timeInterleaved(
  bodies: Array<{ body: (iterations: number) => number; iterations: number; setup?: () => void }>,
  rounds = 9,
): number[] {
  let sink = 0;
  for (const { body, iterations, setup } of bodies) {
    setup?.();
    sink += body(iterations); // warm up: let the JIT settle
  }
  const rates: number[][] = bodies.map(() => []);
  for (let r = 0; r < rounds; r++) {
    bodies.forEach(({ body, iterations, setup }, i) => {
      setup?.(); // untimed
      const start = cpuSeconds();
      sink += body(iterations);
      rates[i].push(iterations / (cpuSeconds() - start));
    });
  }
  if (sink === -1) process.stdout.write(''); // keeps `sink` observable
  return rates.map(median);
}

/** The casbin policy equivalent to the file: implies expanded, inheritance as a role, denies as deny rules. */
async function casbinFrom(model: AccessModel) {
  const { closure, denyClosure } = closures(nanoCatalog);
  const enforcer = await newEnforcer(
    newModelFromString(`
[request_definition]
r = sub, obj
[policy_definition]
p = sub, obj, eft
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj
`),
  );
  const policies: string[][] = [];
  const groupings: string[][] = [];
  const roleAllow = new Map<string, string[]>();
  for (const role of model.roles) {
    if (roleAllow.has(role.id)) continue;
    roleAllow.set(
      role.id,
      role.allow.map((r) => r.name),
    );
    for (const p of closure(role.allow.map((r) => r.name))) policies.push([`role:${role.id}`, p, 'allow']);
  }
  const ownGrants = (user: AccessModel['users'][0]) =>
    closure([...user.roles.flatMap((r) => roleAllow.get(r.name) ?? []), ...user.allow.map((a) => a.name)]);
  const defaultUser = model.users.find((u) => u.isDefault);
  const defaultSet = new Set([
    ...(defaultUser?.bare ? [] : closure(nanoCatalog.defaults)),
    ...(defaultUser ? ownGrants(defaultUser) : []),
  ]);
  if (defaultUser) for (const d of denyClosure(defaultUser.deny.map((d) => d.name))) defaultSet.delete(d);
  for (const p of defaultSet) policies.push(['__default__', p, 'allow'], ['role:__inherited__', p, 'allow']);
  for (const user of model.users) {
    if (user.isDefault) continue;
    if (!user.bare) groupings.push([user.id, 'role:__inherited__']);
    for (const role of user.roles) groupings.push([user.id, `role:${role.name}`]);
    for (const p of closure(user.allow.map((a) => a.name))) policies.push([user.id, p, 'allow']);
    for (const p of denyClosure(user.deny.map((d) => d.name))) policies.push([user.id, p, 'deny']);
  }
  await enforcer.addPolicies(policies);
  await enforcer.addGroupingPolicies(groupings);
  return { enforcer, rules: policies.length + groupings.length };
}

/** One CASL Ability per user, from the same expanded sets (later inverted rules win). */
function caslFrom(policy: Policy, model: AccessModel): Map<string, MongoAbility> {
  const { closure, denyClosure } = closures(nanoCatalog);
  const abilities = new Map<string, MongoAbility>();
  const roleAllow = new Map(model.roles.map((r) => [r.id, r.allow.map((a) => a.name)]));
  const inherited = policy.effective(undefined);
  for (const user of model.users) {
    const key = user.isDefault ? '' : user.id;
    if (abilities.has(key)) continue;
    const granted = [
      ...closure([...user.roles.flatMap((r) => roleAllow.get(r.name) ?? []), ...user.allow.map((a) => a.name)]),
    ];
    const base = user.bare ? [] : user.isDefault ? [...closure(nanoCatalog.defaults)] : inherited;
    const rules: Array<{ action: string[]; subject: 'all'; inverted?: boolean }> = [
      { action: [...base, ...granted], subject: 'all' },
    ];
    const denied = [...denyClosure(user.deny.map((d) => d.name))];
    if (denied.length) rules.push({ action: denied, subject: 'all', inverted: true });
    abilities.set(key, createMongoAbility(rules));
  }
  return abilities;
}

async function main(): Promise<void> {
  const { text, userIds } = generateAccessFile(nanoCatalog, USERS, ROLES);
  const compileRuns: number[] = [];
  const parseRuns: number[] = [];
  const loadRuns: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t = cpuSeconds();
    const parsed = parseAccessFile(text);
    parseRuns.push((cpuSeconds() - t) * 1e3);
    t = cpuSeconds();
    compile(parsed.model!, nanoCatalog);
    compileRuns.push((cpuSeconds() - t) * 1e3);
    t = cpuSeconds();
    loadPolicy(text);
    loadRuns.push((cpuSeconds() - t) * 1e3);
  }

  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  let policy: Policy | null = loadPolicy(text).policy;
  collectGarbage();
  const heapPerUser = (process.memoryUsage().heapUsed - heapBefore) / USERS;
  if (!policy) throw new Error('the generated file did not compile');
  const model = parseAccessFile(text).model!;

  // Fresh string objects, as credentials parsed from a request are: no lookup may win by pointer identity.
  const creds = credentialPool(userIds, PAIRS).map((c) =>
    c === undefined ? c : (JSON.parse(JSON.stringify(c)) as string),
  );
  const perms = permissionPool(nanoCatalog, PAIRS);
  // The same names as strings built per request (read from the request, say): not the catalog's
  // objects, and each used by one call only (rebuilt, untimed, before each round), so no lookup
  // gains from state V8 keeps on a string object it has seen before (a cached hash, a forwarding
  // pointer to its internalized copy).
  const FRESH_CALLS = 1 << 20;
  let freshPerms: string[] = [];
  const renewFreshPerms = (): void => {
    freshPerms = Array.from({ length: FRESH_CALLS }, (_, i) => JSON.parse(JSON.stringify(perms[i & MASK])) as string);
  };
  renewFreshPerms();
  const pairs: Pair = { credentials: creds, permissions: perms };

  // The floor: what check() could cost at best: one Map.get and one bit test, ids prepared.
  const floorSlots = new Map<string, number>();
  const names = nanoCatalog.permissions.map((p) => p.name);
  const words = Math.ceil(names.length / 32);
  const floorBits = new Uint32Array((userIds.length + 1) * words);
  [''].concat(userIds).forEach((id, slot) => {
    floorSlots.set(JSON.parse(JSON.stringify(id)) as string, slot * words);
    for (const name of policy!.effective(id)) {
      const bit = names.indexOf(name);
      floorBits[slot * words + (bit >>> 5)] |= 1 << (bit & 31);
    }
  });
  const permIds = Int32Array.from(perms.map((p) => names.indexOf(p)));
  const preparedIds = Int32Array.from(perms.map((p) => policy!.permissionId(p)));

  const { enforcer, rules } = await casbinFrom(model);
  const abilities = caslFrom(policy, model);
  const casl = (c: string | undefined, p: string): boolean => abilities.get(c || '')?.can(p, 'all') ?? false;
  const casbin = (c: string | undefined, p: string): boolean => enforcer.enforceSync(c || '__default__', p);

  // Every peer must give the same decisions before any of them is timed.
  let checked = 0;
  for (let i = 0; i < 4000; i++) {
    const c = creds[(i * 7919) & MASK];
    const p = perms[(i * 104729) & MASK];
    const expected = policy.check(c, p);
    const base = floorSlots.get(c || '');
    const floor =
      base !== undefined &&
      (floorBits[base + (permIds[(i * 104729) & MASK] >>> 5)] & (1 << (permIds[(i * 104729) & MASK] & 31))) !== 0;
    if (
      floor !== expected ||
      policy.check(c, freshPerms[(i * 104729) & MASK]) !== expected ||
      casl(c, p) !== expected ||
      (i < 40 && casbin(c, p) !== expected)
    ) {
      throw new Error(
        `peers disagree on (${c === undefined ? 'undefined' : JSON.stringify(c.slice(0, 8))}, ${p}): check=${expected}`,
      );
    }
    checked++;
  }

  const { credentials, permissions } = pairs;
  const p = policy;
  const [checkRate, checkFreshRate, checkIdRate, floorRate, caslRate] = timeInterleaved([
    {
      iterations: 2_000_000,
      body: (n) => {
        let allowed = 0;
        for (let i = 0; i < n; i++) if (p.check(credentials[i & MASK], permissions[i & MASK])) allowed++;
        return allowed;
      },
    },
    {
      iterations: FRESH_CALLS,
      setup: renewFreshPerms,
      body: (n) => {
        let allowed = 0;
        for (let i = 0; i < n; i++) if (p.check(credentials[i & MASK], freshPerms[i])) allowed++;
        return allowed;
      },
    },
    {
      iterations: 2_000_000,
      body: (n) => {
        let allowed = 0;
        for (let i = 0; i < n; i++) if (p.checkId(credentials[i & MASK], preparedIds[i & MASK])) allowed++;
        return allowed;
      },
    },
    {
      iterations: 2_000_000,
      body: (n) => {
        let allowed = 0;
        for (let i = 0; i < n; i++) {
          const base = floorSlots.get(credentials[i & MASK] || '');
          const id = permIds[i & MASK];
          if (base !== undefined && (floorBits[base + (id >>> 5)] & (1 << (id & 31))) !== 0) allowed++;
        }
        return allowed;
      },
    },
    {
      iterations: 100_000,
      body: (n) => {
        let allowed = 0;
        for (let i = 0; i < n; i++) if (casl(credentials[i & MASK], permissions[i & MASK])) allowed++;
        return allowed;
      },
    },
  ]);
  const [casbinRate] = timeInterleaved(
    [
      {
        iterations: 5,
        body: (n) => {
          let allowed = 0;
          for (let i = 0; i < n; i++)
            if (casbin(credentials[(i * 7919) & MASK], permissions[(i * 104729) & MASK])) allowed++;
          return allowed;
        },
      },
    ],
    3,
  );

  const ns = (rate: number) => (1e9 / rate).toFixed(rate > 1e6 ? 1 : 0);
  const rows: Array<[string, number]> = [
    ['floor: Map.get + bit test', floorRate],
    ['policy.checkId() (prepared)', checkIdRate],
    ['**policy.check()**', checkRate],
    ['policy.check(), a fresh name string per call', checkFreshRate],
    ['CASL ability.can()', caslRate],
    ['node-casbin enforceSync()', casbinRate],
  ];
  const out: string[] = [];
  out.push(
    `policy: ${USERS} users, ${ROLES} roles, ${nanoCatalog.permissions.length} permissions; ${policy.userCount} users compiled; casbin rules: ${rules}`,
  );
  out.push(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end of the run`,
  );
  out.push(
    `pool: 80% known users, 10% unknown keys, 10% default user; ${checked} decisions agreed across check, floor, CASL (40 with casbin)`,
  );
  out.push('');
  out.push('| what | calls per CPU-second | CPU ns/call | cost vs check() |');
  out.push('|---|---:|---:|---:|');
  for (const [label, rate] of rows) {
    const relative = checkRate / rate;
    out.push(
      `| ${label} | ${formatRate(rate)} | ${ns(rate)} | ${relative >= 100 ? Math.round(relative).toLocaleString('en') : relative.toFixed(2)}× |`,
    );
  }
  out.push('');
  out.push('| compile (10k users) | CPU time, median of 7 |');
  out.push('|---|---:|');
  out.push(`| parseAccessFile | ${median(parseRuns).toFixed(1)} ms |`);
  out.push(`| compile | ${median(compileRuns).toFixed(1)} ms |`);
  out.push(`| loadPolicy (parse + compile) | ${median(loadRuns).toFixed(1)} ms |`);
  out.push(`| heap per user (policy retained, after GC) | ${heapPerUser.toFixed(0)} B |`);
  process.stdout.write(`${out.join('\n')}\n`);
  policy = null;
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
