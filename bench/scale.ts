/**
 * How the resolver's costs grow from 10k to 1M users: parse, compile, heap
 * per user (after GC, policy retained, source dropped) and check() against
 * its floor. Run: npx tsc -b && node --expose-gc --import tsx bench/scale.ts
 * (npm run bench runs it so). Pass sizes to override: ... scale.ts 10000 100000
 */
import os from 'node:os';
import { parseAccessFile } from '@nano-access/parser';
import { compile, nanoCatalog, type Policy } from '@nano-access/resolver';
import { collectGarbage, credentialPool, generateAccessFile, permissionPool } from './_access-policy-gen';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000];
const PAIRS = 1 << 16;
const MASK = PAIRS - 1;
const CHECKS = 4_000_000;

interface Row {
  users: number;
  fileMB: number;
  parseMs: number;
  compileMs: number;
  heapPerUser: number;
  checkNs: number;
  floorNs: number;
}

function nsPerCall(body: () => number): number {
  body();
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    body();
    times.push(Number(process.hrtime.bigint() - start) / CHECKS);
  }
  return times.sort((a, b) => a - b)[2];
}

function measure(users: number): Row {
  // Pools first, from a throwaway copy of the file, so the heap figure below counts the policy alone.
  let generated: ReturnType<typeof generateAccessFile> | null = generateAccessFile(nanoCatalog, users, 100, users);
  const fileMB = generated.text.length / 1e6;
  const creds = credentialPool(generated.userIds, PAIRS).map((c) => (c === undefined ? c : (JSON.parse(JSON.stringify(c)) as string)));
  const perms = permissionPool(nanoCatalog, PAIRS);
  generated = null;
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;

  let text: string | null = generateAccessFile(nanoCatalog, users, 100, users).text;
  let start = process.hrtime.bigint();
  let parsed: ReturnType<typeof parseAccessFile> | null = parseAccessFile(text);
  const parseMs = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  const policy: Policy = compile(parsed.model!, nanoCatalog).policy!;
  const compileMs = Number(process.hrtime.bigint() - start) / 1e6;
  // Source and model dropped: if the policy still pinned the source (sliced ids), it would show here.
  parsed = null;
  text = null;
  collectGarbage();
  const heapPerUser = (process.memoryUsage().heapUsed - heapBefore) / users;

  // The floor: one Map.get and one bit test, permission ids prepared; a Map of the same size,
  // its keys distinct objects from the queries (as credentials parsed from a request are).
  const names = nanoCatalog.permissions.map((p) => p.name);
  const words = Math.ceil(names.length / 32);
  const floorSlots = new Map<string, number>();
  const floorBits = new Uint32Array(64 * words);
  for (let i = 0; i < floorBits.length; i++) floorBits[i] = Math.imul(i + 1, 2654435761) >>> 0;
  let next = 0;
  for (const id of new Set(creds)) if (id) floorSlots.set(JSON.parse(JSON.stringify(id)) as string, (next++ % 64) * words);
  for (let i = 0; floorSlots.size < users + 1; i++) floorSlots.set(`filler-${i.toString(16).padStart(32, '0')}`, (i % 64) * words);
  floorSlots.set('', 0);
  const permIds = Int32Array.from(perms.map((p) => names.indexOf(p)));

  const checkNs = nsPerCall(() => {
    let allowed = 0;
    for (let i = 0; i < CHECKS; i++) if (policy.check(creds[i & MASK], perms[i & MASK])) allowed++;
    return allowed;
  });
  const floorNs = nsPerCall(() => {
    let allowed = 0;
    for (let i = 0; i < CHECKS; i++) {
      const base = floorSlots.get(creds[i & MASK] || '');
      const id = permIds[i & MASK];
      if (base !== undefined && (floorBits[base + (id >>> 5)] & (1 << (id & 31))) !== 0) allowed++;
    }
    return allowed;
  });
  return { users, fileMB, parseMs, compileMs, heapPerUser, checkNs, floorNs };
}

function growth(rows: Row[], pick: (row: Row) => number, i: number): string {
  if (i === 0) return '';
  const factor = pick(rows[i]) / pick(rows[i - 1]);
  return ` (×${factor.toFixed(1)})`;
}

const rows: Row[] = [];
for (const users of SIZES) {
  rows.push(measure(users));
  collectGarbage();
}
const out = [
  '| users | file | parse | compile | parse + compile | heap/user | check() | floor | check/floor |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r, i) =>
    `| ${r.users.toLocaleString('en')} | ${r.fileMB.toFixed(1)} MB | ${r.parseMs.toFixed(0)} ms${growth(rows, (x) => x.parseMs, i)} | ${r.compileMs.toFixed(0)} ms${growth(rows, (x) => x.compileMs, i)} | ${(r.parseMs + r.compileMs).toFixed(0)} ms | ${r.heapPerUser.toFixed(0)} B | ${r.checkNs.toFixed(1)} ns | ${r.floorNs.toFixed(1)} ns | ${(r.checkNs / r.floorNs).toFixed(2)} |`,
  ),
  '',
  '(×n) = growth over the previous row; users grow ×10 per row. heap/user: after GC, policy retained, source and model dropped.',
  `node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end of the run.`,
];
process.stdout.write(`${out.join('\n')}\n`);
