/**
 * How the resolver's costs grow from 10k to 1M users: parse, compile, memory
 * per user (after GC, policy retained, source dropped) and check() against
 * its floor. Memory is the JS heap (`heapUsed`: the credentials Map and the
 * ids), beside the heap of its floor (one Map of the same ids, each a flat
 * string of its own), and the typed arrays' bytes outside the heap
 * (`arrayBuffers`: the per-user columns), which `heapUsed` does not count.
 * Run: npx tsc -b && node --expose-gc --import tsx bench/scale.ts
 * (npm run bench runs it so). Pass sizes to override: ... scale.ts 10000 100000
 */
import os from 'node:os';
import { parseAccessFile } from '@nano-access/parser';
import { compile, nanoCatalog, type Policy } from '@nano-access/resolver';
import { collectGarbage, credentialPool, generateAccessFile, permissionPool } from './_access-policy-gen';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000];
const PAIRS = 1 << 16;
const MASK = PAIRS - 1;
const CHECKS = 2_000_000;

interface Row {
  users: number;
  fileMB: number;
  parseMs: number;
  compileMs: number;
  /** parse + compile, wall clock. */
  wallMs: number;
  heapPerUser: number;
  /** The floor's heap per user: one Map of the same ids, flat strings. */
  floorHeapPerUser: number;
  /** Typed-array bytes per user (outside the JS heap). */
  arraysPerUser: number;
  checkNs: number;
  floorNs: number;
}

/**
 * ns per call of each body, timed in alternating rounds (a, b, a, b, …) and
 * taking each one's median, so both see the same share of a noisy machine.
 */
/** CPU seconds used by this process (the machine is shared: wall time counts others' turns too). */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function nsPerCallInterleaved(a: () => number, b: () => number, rounds = 9): [number, number] {
  a();
  b();
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [body, times] of [
      [a, timesA],
      [b, timesB],
    ] as const) {
      const start = cpuSeconds();
      body();
      times.push(((cpuSeconds() - start) * 1e9) / CHECKS);
    }
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [mid(timesA), mid(timesB)];
}

function measure(users: number): Row {
  // Pools first, from a throwaway copy of the file, so the heap figure below counts the policy alone.
  let generated: ReturnType<typeof generateAccessFile> | null = generateAccessFile(nanoCatalog, users, 100, users);
  const fileMB = generated.text.length / 1e6;
  const creds = credentialPool(generated.userIds, PAIRS).map((c) =>
    c === undefined ? c : (JSON.parse(JSON.stringify(c)) as string),
  );
  const perms = permissionPool(nanoCatalog, PAIRS);
  generated = null;
  collectGarbage();
  const floorHeapPerUser = idMapHeapPerUser(users);
  collectGarbage(); // the floor's Map, garbage now, must not count in the policy's baseline
  const { heapUsed: heapBefore, arrayBuffers: arraysBefore } = process.memoryUsage();

  let text: string | null = generateAccessFile(nanoCatalog, users, 100, users).text;
  let start = cpuSeconds();
  let wall = process.hrtime.bigint();
  let parsed: ReturnType<typeof parseAccessFile> | null = parseAccessFile(text);
  const parseMs = (cpuSeconds() - start) * 1e3;
  const parseWallMs = Number(process.hrtime.bigint() - wall) / 1e6;
  start = cpuSeconds();
  wall = process.hrtime.bigint();
  const policy: Policy = compile(parsed.model!, nanoCatalog).policy!;
  const compileMs = (cpuSeconds() - start) * 1e3;
  const compileWallMs = Number(process.hrtime.bigint() - wall) / 1e6;
  // Source and model dropped: if the policy still pinned the source (sliced ids), it would show here.
  parsed = null;
  text = null;
  collectGarbage();
  const heapPerUser = (process.memoryUsage().heapUsed - heapBefore) / users;
  const arraysPerUser = (process.memoryUsage().arrayBuffers - arraysBefore) / users;

  // The floor: one Map.get and one bit test, permission ids prepared; a Map of the same size,
  // its keys distinct objects from the queries (as credentials parsed from a request are).
  const names = nanoCatalog.permissions.map((p) => p.name);
  const words = Math.ceil(names.length / 32);
  const floorSlots = new Map<string, number>();
  const floorBits = new Uint32Array(64 * words);
  for (let i = 0; i < floorBits.length; i++) floorBits[i] = Math.imul(i + 1, 2654435761) >>> 0;
  let next = 0;
  for (const id of new Set(creds))
    if (id) floorSlots.set(JSON.parse(JSON.stringify(id)) as string, (next++ % 64) * words);
  for (let i = 0; floorSlots.size < users + 1; i++)
    floorSlots.set(`filler-${i.toString(16).padStart(32, '0')}`, (i % 64) * words);
  floorSlots.set('', 0);
  const permIds = Int32Array.from(perms.map((p) => names.indexOf(p)));

  const [checkNs, floorNs] = nsPerCallInterleaved(
    () => {
      let allowed = 0;
      for (let i = 0; i < CHECKS; i++) if (policy.check(creds[i & MASK], perms[i & MASK])) allowed++;
      return allowed;
    },
    () => {
      let allowed = 0;
      for (let i = 0; i < CHECKS; i++) {
        const base = floorSlots.get(creds[i & MASK] || '');
        const id = permIds[i & MASK];
        if (base !== undefined && (floorBits[base + (id >>> 5)] & (1 << (id & 31))) !== 0) allowed++;
      }
      return allowed;
    },
  );
  return {
    users,
    fileMB,
    parseMs,
    compileMs,
    wallMs: parseWallMs + compileWallMs,
    heapPerUser,
    floorHeapPerUser,
    arraysPerUser,
    checkNs,
    floorNs,
  };
}

/**
 * The heap floor of a policy whose lookup is a Map.get: the same ids (default '' included), each
 * a flat string of its own, in one Map to their position. Measured as the policy is: after GC,
 * the Map retained, everything that made it dropped.
 */
function idMapHeapPerUser(users: number): number {
  const before = process.memoryUsage().heapUsed;
  let ids: string[] | null = generateAccessFile(nanoCatalog, users, 100, users).userIds;
  const map = new Map<string, number>([['', 0]]);
  for (const id of ids) map.set(JSON.parse(JSON.stringify(id)) as string, map.size);
  ids = null;
  collectGarbage();
  const perUser = (process.memoryUsage().heapUsed - before) / users;
  if (map.size !== users + 1) throw new Error(`the floor's Map holds ${map.size} ids`);
  return perUser;
}

function growth(rows: Row[], pick: (row: Row) => number, i: number): string {
  if (i === 0) return '';
  const factor = pick(rows[i]) / pick(rows[i - 1]);
  return ` (×${factor.toFixed(1)})`;
}

// Warm up: the catalog's compiled form and the JIT are one-time costs, not per-user ones.
compile(parseAccessFile(generateAccessFile(nanoCatalog, 1000, 100, 1).text).model!, nanoCatalog);
const rows: Row[] = [];
for (const users of SIZES) {
  rows.push(measure(users));
  collectGarbage();
}
const out = [
  '| users | file | parse (CPU) | compile (CPU) | parse + compile (CPU) | (wall) | heap/user | floor heap/user | arrays/user | check() | floor | check/floor |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r, i) =>
      `| ${r.users.toLocaleString('en')} | ${r.fileMB.toFixed(1)} MB | ${r.parseMs.toFixed(0)} ms${growth(rows, (x) => x.parseMs, i)} | ${r.compileMs.toFixed(0)} ms${growth(rows, (x) => x.compileMs, i)} | ${(r.parseMs + r.compileMs).toFixed(0)} ms | ${r.wallMs.toFixed(0)} ms | ${r.heapPerUser.toFixed(0)} B | ${r.floorHeapPerUser.toFixed(0)} B | ${r.arraysPerUser.toFixed(1)} B | ${r.checkNs.toFixed(1)} ns | ${r.floorNs.toFixed(1)} ns | ${(r.checkNs / r.floorNs).toFixed(2)} |`,
  ),
  '',
  '(×n) = growth over the previous row; users grow ×10 per row. Times are CPU time of this process (the machine is shared);',
  'check() and floor are CPU ns per call, timed in alternating rounds. heap/user: after GC, policy retained, source and model dropped; floor heap/user: one Map of the same ids; arrays/user: typed arrays outside the heap.',
  `node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end of the run.`,
];
process.stdout.write(`${out.join('\n')}\n`);
