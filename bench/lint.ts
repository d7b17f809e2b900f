/**
 * `nano-access lint` end to end on a 10,000-user file, process start
 * included: the real binary is spawned with --format json, as CI runs it.
 * Run: npx tsc -b && npx tsx bench/lint.ts (npm run bench runs it so);
 * npx tsx bench/lint.ts --write-file PATH writes the generated file only (to profile).
 *
 * - floor:  `node -e 0`, the cost of starting Node at all
 * - peer:   a Node process that reads the file and parses it with smol-toml,
 *           nothing else (what any TOML-reading tool pays)
 * - server share: a Node process that runs loadPolicy on the file, what a
 *           server pays to activate it (the part of lint no rule can skip)
 * - lint:   `nano-access lint FILE --format json`: read, parse, compile
 *           (loadPolicy), every rule (the semantic ones ask explain per
 *           user), suppressions, JSON report
 *
 * Target: lint under 0.5 s. Runs are interleaved so that the machine's
 * noise falls on all three alike; the median of each is reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nanoCatalog } from '@nano-access/resolver';
import { generateAccessFile } from './_access-policy-gen';

const USERS = 10_000;
const ROLES = 100;
const RUNS = 9;
const repoRoot = join(__dirname, '..');
const bin = join(repoRoot, 'packages', 'cli', 'bin', 'nano-access.js');
if (!existsSync(join(repoRoot, 'packages', 'cli', 'dist', 'cli.js'))) {
  process.stderr.write('bench/lint.ts: build first (npx tsc -b)\n');
  process.exit(2);
}

// `--write-file PATH`: write the generated file and stop, to profile lint on it
// (node --cpu-prof packages/cli/bin/nano-access.js lint PATH --format json).
const writeAt = process.argv.indexOf('--write-file');
if (writeAt !== -1) {
  const target = process.argv[writeAt + 1];
  if (!target) {
    process.stderr.write('bench/lint.ts: --write-file needs a path\n');
    process.exit(2);
  }
  writeFileSync(target, generateAccessFile(nanoCatalog, USERS, ROLES).text, { mode: 0o600 });
  process.stdout.write(`wrote ${target}\n`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'nano-access-bench-lint-'));
const file = join(work, 'config-access.toml');
const { text } = generateAccessFile(nanoCatalog, USERS, ROLES);
writeFileSync(file, text, { mode: 0o600 });

interface Subject {
  label: string;
  args: string[];
  times: number[];
  /** user + system CPU seconds of the child, as bash's `time` reports them: steadier than wall time on a shared machine. */
  cpu: number[];
}
const smolToml = require.resolve('smol-toml', { paths: [join(repoRoot, 'packages', 'parser')] });
const subjects: Subject[] = [
  { label: 'floor: node -e 0', args: ['-e', '0'], times: [], cpu: [] },
  {
    label: 'peer: node + smol-toml parse',
    args: [
      '-e',
      `require(${JSON.stringify(smolToml)}).parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`,
    ],
    times: [],
    cpu: [],
  },
  {
    label: 'server share: node + loadPolicy',
    args: [
      '-e',
      `require(${JSON.stringify(join(repoRoot, 'packages', 'resolver'))}).loadPolicy(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`,
    ],
    times: [],
    cpu: [],
  },
  { label: 'nano-access lint --format json', args: [bin, 'lint', file, '--format', 'json'], times: [], cpu: [] },
];

let findings = 0;
let exitCode: number | null = null;
try {
  for (let run = -1; run < RUNS; run++) {
    for (const subject of subjects) {
      // bash's `time` writes the child's CPU seconds to fd 3, away from its own output.
      const command = `TIMEFORMAT='%U %S'; { time "$0" "$@" 2>/dev/null; } 2>&3`;
      const start = process.hrtime.bigint();
      const result = spawnSync('bash', ['-c', command, process.execPath, ...subject.args], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (result.error) throw result.error;
      const [user, system] = String(result.output[3]).trim().split(/\s+/).map(Number);
      if (subject.args[0] === bin) {
        exitCode = result.status;
        findings = (JSON.parse(result.stdout) as { messages: unknown[] }[])[0].messages.length;
      } else if (result.status !== 0) {
        throw new Error(`${subject.label} failed: ${result.stderr}`);
      }
      if (run >= 0) {
        // run -1 warms the disk cache
        subject.times.push(seconds);
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
const lint = median(subjects[3].times);
process.stdout.write(
  [
    `lint of a ${USERS.toLocaleString('en')}-user, ${ROLES}-role file (${(text.length / 1024).toFixed(0)} KiB), ${RUNS} runs each, interleaved; lint exit ${exitCode}, ${findings} findings`,
    '',
    '| process | wall median | wall best | × floor | CPU median | CPU × floor |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `lint wall median ${ms(lint)}: ${lint < 0.5 ? 'under' : 'OVER'} the 0.5 s target; lint minus floor ${ms(lint - floor)}. Load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${cpus().length} cores).`,
    '',
  ].join('\n'),
);
