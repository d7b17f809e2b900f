/**
 * Reload of a 10,000-user access file through PolicyStore.reload(): read, sha256, parse, validate,
 * compile, swap. Beside it, its floor (reading the same file and hashing it, nothing else) and the
 * loadPolicy() step alone, measured in the same run. Target: median under 150 ms.
 *
 *   npx tsc -b && npx tsx bench/reload.ts
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyStore } from '@nano-access/reloader';
import { loadPolicy } from '@nano-access/resolver';

const USERS = 10_000;
const RUNS = 50;
const WARMUP = 5;

/** A realistic file: a default user, 8 roles, 10,000 users with roles, allow and deny lists. */
function generate(users: number, revision: number): string {
  const roles = [
    ['reader', 'account_query'],
    ['wallet_reader', 'wallet_read'],
    ['wallet_writer', 'wallet_read, wallet_write'],
    ['services', 'service'],
    ['epoch', 'epoch_upgrade'],
    ['confirmations', 'api_topic_confirmation'],
    ['operator', 'account_query, service, wallet_read'],
    ['admin', 'unrestricted'],
  ];
  const out: string[] = [`# revision ${revision}`, '[[user]]', 'id = ""', 'allow = "api_account_weight"', ''];
  for (const [id, allow] of roles) out.push('[[role]]', `id = "${id}"`, `allow = "${allow}"`, '');
  for (let i = 0; i < users; i += 1) {
    const key = createHash('sha256').update(`user-${i}`).digest('hex').slice(0, 32);
    out.push(
      '[[user]]',
      `id = "${key}"`,
      `roles = "${roles[i % roles.length][0]}, ${roles[(i * 7 + 3) % roles.length][0]}"`,
    );
    if (i % 3 === 0) out.push('allow = "wallet_read"');
    if (i % 5 === 0) out.push('deny = "wallet_seed_change"');
    out.push('');
  }
  return out.join('\n');
}

function stats(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nano-access-bench-reload-'));
  const file = join(dir, 'config-access.toml');
  try {
    const versions = [generate(USERS, 0), generate(USERS, 1)];
    const bytes = Buffer.byteLength(versions[0]);
    writeFileSync(file, versions[0]);
    const store = await PolicyStore.open(file, { watch: false });
    if (store.current.userCount !== USERS + 1)
      throw new Error(`expected ${USERS + 1} users, got ${store.current.userCount}`);

    type Samples = { wall: number[]; cpu: number[] };
    const samples = (): Samples => ({ wall: [], cpu: [] });
    const floor = samples();
    const load = samples();
    const reload = samples();
    const unchanged = samples();
    /** Wall time, and CPU time of the process (robust to a machine shared with other work). */
    const measure = async <T>(into: Samples | null, work: () => T | Promise<T>): Promise<T> => {
      const cpuBefore = process.cpuUsage();
      const start = process.hrtime.bigint();
      const value = await work();
      const wall = Number(process.hrtime.bigint() - start) / 1e6;
      const cpu = process.cpuUsage(cpuBefore);
      if (into !== null) {
        into.wall.push(wall);
        into.cpu.push((cpu.user + cpu.system) / 1000);
      }
      return value;
    };

    for (let run = 0; run < WARMUP + RUNS; run += 1) {
      const keep = run >= WARMUP;
      // Alternate two contents so that every reload reads a new hash and does the whole work.
      const text = versions[(run + 1) % 2];
      writeFileSync(file, text);
      await measure(keep ? floor : null, () => createHash('sha256').update(readFileSync(file)).digest('hex'));
      // Only the outcome is kept: holding the policy would leave the reload below a heavier heap.
      const loadedOk = await measure(keep ? load : null, () => loadPolicy(text, { file }).policy !== null);
      if (!loadedOk) throw new Error('generated file has errors');
      const result = await measure(keep ? reload : null, () => store.reload());
      if (result.outcome !== 'reloaded') throw new Error(`reload ${run}: ${result.outcome}`);
    }
    // The same file again (a touch, a SIGHUP without an edit), in steady state: the hash matches,
    // nothing is decoded or parsed.
    for (let run = 0; run < WARMUP + RUNS; run += 1) {
      const again = await measure(run >= WARMUP ? unchanged : null, () => store.reload());
      if (again.outcome !== 'unchanged') throw new Error(`unchanged reload ${run}: ${again.outcome}`);
    }
    await store.close();

    const f = stats(floor.wall);
    const r = stats(reload.wall);
    const row = (name: string, s: Samples): string => {
      const wall = stats(s.wall);
      const cpu = stats(s.cpu);
      return `| ${name.padEnd(50)} | ${wall.median.toFixed(1).padStart(9)} | ${wall.p99.toFixed(1).padStart(8)} | ${cpu.median.toFixed(1).padStart(13)} | ${(wall.median / f.median).toFixed(1).padStart(6)}x |`;
    };
    console.log(
      `Reload of a ${USERS.toLocaleString('en-US')}-user access file (${(bytes / 1024 / 1024).toFixed(2)} MiB), ${RUNS} reloads after ${WARMUP} warm-up, node ${process.version}, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
    );
    console.log('');
    console.log(`| ${'step'.padEnd(50)} | median ms |   p99 ms | median CPU ms |   ratio |`);
    console.log(`|${'-'.repeat(52)}|-----------|----------|---------------|---------|`);
    console.log(row('floor: read file + sha256', floor));
    console.log(row('loadPolicy(text): parse, validate, compile', load));
    console.log(row('PolicyStore.reload(): read, hash, load, swap', reload));
    console.log(row('PolicyStore.reload(), content unchanged (skipped)', unchanged));
    console.log('');
    console.log(
      `target: median reload under 150 ms -> ${r.median < 150 ? 'met' : 'NOT met'} (${r.median.toFixed(1)} ms wall, ${stats(reload.cpu).median.toFixed(1)} ms CPU)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
