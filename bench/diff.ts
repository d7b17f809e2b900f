/**
 * `nano-access diff OLD NEW` end to end on two 10,000-user files, process
 * start included: the real binary is spawned, as a CI job runs it.
 * Run: npx tsc -b && npx tsx bench/diff.ts (or npm run bench -- diff).
 *
 * Two NEW files, each OLD after a pull request:
 * - typical: one role gains a group, 10 users edited, 2 added, 2 removed;
 * - sweeping: the default user gains a permission (which reaches every
 *   non-bare user: thousands of changed users, each explained), one role
 *   changes, 50 users removed, 50 added, 100 gain a deny.
 *
 * - floor:  `node -e 0`, the cost of starting Node at all
 * - peer:   `diff -u OLD NEW` (typical), the text diff a reviewer reads today
 * - server share: a Node process that runs loadPolicy on both files, the
 *           part of the diff no implementation can skip
 * - diff:   `nano-access diff OLD NEW --format json` and `--format markdown`, each pair
 *
 * Target: under 1 s. Runs are interleaved so that the machine's noise
 * falls on all alike; the median of each is reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nanoCatalog } from '@nano-access/resolver';
import { generateAccessFile, random } from './_access-policy-gen';

const USERS = 10_000;
const ROLES = 100;
const RUNS = 7;
const repoRoot = join(__dirname, '..');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'nano-access.js');
if (!existsSync(join(repoRoot, 'packages', 'cli', 'dist', 'cli.js'))) {
  process.stderr.write('bench/diff.ts: build first (npx tsc -b)\n');
  process.exit(2);
}

/** OLD after a pull request (see the header). Blocks of the generated file are separated by blank lines. */
export function changedFile(text: string, scenario: 'typical' | 'sweeping', seed = 7): string {
  const rand = random(seed);
  const sweeping = scenario === 'sweeping';
  const blocks = text.split('\n\n');
  const out: string[] = [];
  let userIndex = 0;
  for (const block of blocks) {
    if (sweeping && block.includes('# the default user')) {
      out.push(block.replace('allow = "node_query, utility"', 'allow = "node_query, utility, api_account_info"'));
      continue;
    }
    if (block.startsWith('[[role]]\nid = "role-7"\n')) {
      out.push(block.replace(/^allow = (.*)$/m, 'allow = ["wallet_read", "wallet_write", "api_bootstrap_status"]'));
      continue;
    }
    if (block.startsWith('[[user]]\nid = ')) {
      userIndex++;
      const removedEvery = sweeping ? 200 : 5000;
      const editedEvery = sweeping ? 100 : 1000;
      if (userIndex % removedEvery === 0) continue;
      if (userIndex % editedEvery === 50 && !block.includes('deny =')) {
        out.push(`${block.trimEnd()}\ndeny = "api_send"\n`);
        continue;
      }
    }
    out.push(block);
  }
  for (let i = 0; i < (sweeping ? 50 : 2); i++) {
    let key = 'new-key-';
    for (let c = 0; c < 32; c++) key += '0123456789abcdef'[Math.floor(rand() * 16)];
    out.push(`[[user]]\nid = "${key}"\nroles = "role-${i % ROLES}"\n`);
  }
  return out.join('\n\n');
}

if (require.main === module) main();

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'nano-access-bench-diff-'));
  const oldFile = join(work, 'old.toml');
  const typicalFile = join(work, 'typical.toml');
  const sweepingFile = join(work, 'sweeping.toml');
  const { text } = generateAccessFile(nanoCatalog, USERS, ROLES);
  writeFileSync(oldFile, text, { mode: 0o600 });
  writeFileSync(typicalFile, changedFile(text, 'typical'), { mode: 0o600 });
  writeFileSync(sweepingFile, changedFile(text, 'sweeping'), { mode: 0o600 });

  interface Subject {
    label: string;
    command: string;
    args: string[];
    times: number[];
    cpu: number[];
  }
  const resolverDir = JSON.stringify(join(repoRoot, 'packages', 'resolver'));
  const subjects: Subject[] = [
    { label: 'floor: node -e 0', command: process.execPath, args: ['-e', '0'], times: [], cpu: [] },
    {
      label: 'peer: diff -u OLD NEW (typical)',
      command: 'diff',
      args: ['-u', oldFile, typicalFile],
      times: [],
      cpu: [],
    },
    {
      label: 'server share: node + loadPolicy × 2',
      command: process.execPath,
      args: [
        '-e',
        `const r = require(${resolverDir}), fs = require('fs'); for (const f of process.argv.slice(1)) r.loadPolicy(fs.readFileSync(f, 'utf8'))`,
        oldFile,
        typicalFile,
      ],
      times: [],
      cpu: [],
    },
    {
      label: 'nano-access diff --format json (typical)',
      command: process.execPath,
      args: [bin, 'diff', oldFile, typicalFile, '--format', 'json'],
      times: [],
      cpu: [],
    },
    {
      label: 'nano-access diff --format markdown (typical)',
      command: process.execPath,
      args: [bin, 'diff', oldFile, typicalFile, '--format', 'markdown'],
      times: [],
      cpu: [],
    },
    {
      label: 'nano-access diff --format json (sweeping)',
      command: process.execPath,
      args: [bin, 'diff', oldFile, sweepingFile, '--format', 'json'],
      times: [],
      cpu: [],
    },
    {
      label: 'nano-access diff --format markdown (sweeping)',
      command: process.execPath,
      args: [bin, 'diff', oldFile, sweepingFile, '--format', 'markdown'],
      times: [],
      cpu: [],
    },
  ];

  const summaries = new Map<string, string>();
  try {
    for (let run = -1; run < RUNS; run++) {
      for (const subject of subjects) {
        // bash's `time` writes the child's CPU seconds to fd 3, away from its own output.
        const command = `TIMEFORMAT='%U %S'; { time "$0" "$@" 2>/dev/null; } 2>&3`;
        const start = process.hrtime.bigint();
        const result = spawnSync('bash', ['-c', command, subject.command, ...subject.args], {
          encoding: 'utf8',
          maxBuffer: 256 << 20,
          stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (result.error) throw result.error;
        const [user, system] = String(result.output[3]).trim().split(/\s+/).map(Number);
        const expected = subject.command === 'diff' ? 1 : 0; // diff(1) exits 1 when the files differ
        if (result.status !== expected) throw new Error(`${subject.label} exited ${result.status}: ${result.stderr}`);
        if (subject.args.includes('json')) {
          const diff = JSON.parse(result.stdout) as {
            users: { status: string; gained: unknown[]; lost: unknown[] }[];
            noEffect: string[];
          };
          const count = (status: string): number => diff.users.filter((u) => u.status === status).length;
          const changes = diff.users.reduce((n, u) => n + u.gained.length + u.lost.length, 0);
          const scenario = subject.args.includes(typicalFile) ? 'typical' : 'sweeping';
          summaries.set(
            scenario,
            `${scenario}: ${diff.users.length} users listed (${count('changed')} changed, ${count('added')} added, ${count('removed')} removed), ${changes} permission changes, each with its derivation; JSON ${(result.stdout.length / 1024).toFixed(0)} KiB`,
          );
        }
        if (run >= 0) {
          subject.times.push(seconds); // run -1 warms the disk cache
          subject.cpu.push(user + system);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const floor = median(subjects[0].times);
  const floorCpu = median(subjects[0].cpu);
  const ms = (seconds: number): string => `${(seconds * 1000).toFixed(0)} ms`;
  const rows = subjects.map((s) => {
    const m = median(s.times);
    const c = median(s.cpu);
    return `| ${s.label} | ${ms(m)} | ${ms(Math.min(...s.times))} | ${(m / floor).toFixed(1)}× | ${ms(c)} | ${(c / floorCpu).toFixed(1)}× |`;
  });
  const slowest = Math.max(...subjects.slice(3).map((s) => median(s.times)));
  process.stdout.write(
    [
      `diff of two ${USERS.toLocaleString('en')}-user, ${ROLES}-role files, ${RUNS} runs each, interleaved`,
      ...[...summaries.values()].map((line) => `- ${line}`),
      '',
      '| process | wall median | wall best | × floor | CPU median | CPU × floor |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      `slowest diff wall median ${ms(slowest)}: ${slowest < 1 ? 'under' : 'OVER'} the 1 s target. Load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (${cpus().length} cores).`,
      '',
    ].join('\n'),
  );
}
