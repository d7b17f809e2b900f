// Parse speed of config-access.toml at 10k and 1M users.
// Run: npx tsc -b packages/parser && npx tsx packages/parser/bench/parse.ts [--users N,N]
// Prints, per size: smol-toml's parse of the whole document alone (the peer: what
// reading the values costs with no positions, no schema and no model), the full
// parseAccessFile (positions, schema, model, diagnostics), and the ratio of the two.
import { parse } from 'smol-toml';
import { parseAccessFile } from '@nano-access/parser';

function generate(users: number, roles: number): string {
  const parts: string[] = ['[[user]]\nallow = "api_account_weight"\n'];
  for (let r = 0; r < roles; r++) {
    parts.push(`[[role]]\nid = "role_${r}"\nallow = "wallet_read, api_account_info, api_account_history"\n`);
  }
  for (let u = 0; u < users; u++) {
    const id = `user-${u.toString(16).padStart(8, '0')}-4750-8bdb-db23bab7bc57`;
    const deny = u % 10 === 0 ? 'deny = "wallet_seed_change"\n' : '';
    parts.push(
      `[[user]]\nid = "${id}"\nroles = "role_${u % roles}, role_${(u * 7) % roles}"\nallow = ["api_account_balance"]\n${deny}`,
    );
  }
  return parts.join('\n');
}

/** Best of `runs`: wall-clock ms, and the process's CPU ms in that run (on a shared machine the CPU figure is the steadier one). */
function best(runs: number, fn: () => void): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    const usage = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    const took = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(usage);
    if (took < wall) {
      wall = took;
      cpu = (used.user + used.system) / 1e3;
    }
  }
  return { wall, cpu };
}

const sizesArg = process.argv.indexOf('--users');
const sizes = sizesArg > 0 ? process.argv[sizesArg + 1].split(',').map(Number) : [10_000, 1_000_000];
const rows: string[][] = [
  ['users', 'file MB', 'smol-toml parse ms (peer)', 'cpu ms', 'parseAccessFile ms', 'cpu ms', 'ratio', 'errors'],
];
for (const users of sizes) {
  const text = generate(users, 100);
  const runs = users > 100_000 ? 2 : 15;
  const floor = best(runs, () => parse(text));
  let errors = 0;
  const full = best(runs, () => {
    const result = parseAccessFile(text);
    errors = result.diagnostics.length;
  });
  rows.push([
    users.toLocaleString('en-US'),
    (text.length / 1e6).toFixed(1),
    floor.wall.toFixed(0),
    floor.cpu.toFixed(0),
    full.wall.toFixed(0),
    full.cpu.toFixed(0),
    `${(full.wall / floor.wall).toFixed(2)}×`,
    String(errors),
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const [i, row] of rows.entries()) {
  console.log(`| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`);
  if (i === 0) console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
}
