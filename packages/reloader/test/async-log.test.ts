import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureBuilt } from './helpers';

jest.setTimeout(300_000);

const child = join(resolve(__dirname, '..'), 'test', 'fixtures', 'async-log-child.js');
const LINES = 20_000;
/** The child's padding field: what every line must carry, byte for byte (2-, 3- and 4-byte UTF-8 characters). */
const PADDING = `${'x'.repeat(200)} é … 😀`;

interface Run {
  code: number | null;
  /** Every stderr line that is not a numbered log line (a crash's stack, a torn line). */
  other: string[];
  /** The `i` of each intact numbered line, in the order read. */
  numbered: number[];
}

/** Runs the child to its end; resolves with what it wrote to stderr. Stderr is read slowly, as a loaded reader would. */
function run(ending: string): Promise<Run> {
  return new Promise((done) => {
    const process_ = spawn(process.execPath, [child, ending, String(LINES)], {
      env: { ...process.env, NANO_ACCESS_LOG_FORMAT: 'json' },
    });
    const chunks: Buffer[] = [];
    process_.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    process_.on('close', (code) => {
      const result: Run = { code, other: [], numbered: [] };
      for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
        if (line === '') continue;
        let record: Record<string, unknown> | undefined;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch {
          record = undefined;
        }
        if (record?.msg === 'line' && record.padding === PADDING && typeof record.i === 'number')
          result.numbered.push(record.i);
        else result.other.push(line.slice(0, 200));
      }
      done(result);
    });
  });
}

/** Runs `times` children, `parallel` at a time. */
async function runMany(ending: string, times: number, parallel = 3): Promise<Run[]> {
  const runs: Run[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < times) {
        next++;
        runs.push(await run(ending));
      }
    }),
  );
  return runs;
}

/** Every line once, in order, intact: the description of a run that lost or repeated something, else null. */
function damage(result: Run): string | null {
  const { numbered } = result;
  if (numbered.length === LINES && numbered.every((i, at) => i === at)) return null;
  const seen = new Set(numbered);
  const missing = LINES - seen.size;
  return `${numbered.length} lines read, ${missing} missing, ${numbered.length - seen.size} repeated, code ${result.code}, other: ${JSON.stringify(result.other.slice(0, 3))}`;
}

describe("the servers' asynchronous log destination (createLogger({ destination: 2 }))", () => {
  beforeAll(() => ensureBuilt());

  // Each child writes 20,000 lines of multi-byte text and ends at once, so a batch is still being
  // written (in libuv's thread pool) when the end comes; on a loaded machine the old exit lost the
  // batch in flight in about one run in ten.
  it.each([
    ['sigterm', 30],
    ['throw', 6],
    ['reject', 3],
    ['exit', 3],
  ])('loses and repeats no line when the process ends by %s right after logging (%i runs)', async (ending, times) => {
    const runs = await runMany(ending, times);
    expect(runs.map(damage).filter((found) => found !== null)).toEqual([]);
    const expectedCode = ending === 'throw' || ending === 'reject' ? 1 : 0;
    expect(runs.map((result) => result.code)).toEqual(runs.map(() => expectedCode));
    if (ending === 'throw' || ending === 'reject')
      // The crash is reported after the log lines, never inside one.
      for (const result of runs) expect(result.other.some((line) => line.includes('Error: a'))).toBe(true);
  });

  // The reader lags: the pipe is full when the crash comes, and a plain writeSync of the stack got
  // EAGAIN and lost it. The stack waits (up to LAST_WORDS_WAIT_MS) until the reader reads again.
  it("writes a crash's stack into a full pipe once its reader reads again", async () => {
    const crashing = spawn(process.execPath, [child, 'throw-full-stderr', '0'], {
      env: { ...process.env, NANO_ACCESS_LOG_FORMAT: 'json' },
    });
    const chunks: Buffer[] = [];
    const closed = new Promise<number | null>((resolve) => crashing.on('close', resolve));
    // Read, but paused for a while: the child fills the pipe, crashes, and must wait for us. (A
    // stream with no listener at the child's exit would be drained and dropped by node itself.)
    crashing.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    crashing.stderr.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    crashing.stderr.resume();
    expect(await closed).toBe(1);
    expect(Buffer.concat(chunks).toString('utf8')).toContain('Error: a crash behind a full pipe');
  });

  // A bare process.exit() awaits nothing: the batch in flight may be lost (the first line, handed
  // to a write at once), but the lines gathered behind it are written by pino's exit hook.
  it('writes the lines waiting for their window when the process calls process.exit() at once', async () => {
    const runs = await runMany('bare-exit', 3);
    for (const result of runs) {
      expect(result.code).toBe(0);
      expect(result.other).toEqual([]);
      const seen = new Set(result.numbered);
      expect(Array.from({ length: LINES - 1 }, (_, i) => i + 1).filter((i) => !seen.has(i))).toEqual([]);
    }
  });

  // Lines are gathered into one write per window (LOG_COALESCE_MS); a few lines, far fewer bytes
  // than start a write by themselves (LOG_COALESCE_BYTES), must still be written by the window's
  // end, with nothing more logged and no exit to flush them.
  it.each([1, 3, 20])('writes %i lines of a process that then logs nothing more and runs on', async (count) => {
    const stay = spawn(process.execPath, [child, 'stay', String(count)], {
      env: { ...process.env, NANO_ACCESS_LOG_FORMAT: 'json' },
    });
    try {
      let text = '';
      const numbered = (): number[] =>
        text
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => (JSON.parse(line) as { i: number }).i);
      await new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(
          () => reject(new Error(`only ${numbered().length} of ${count} lines arrived in 20 s`)),
          20_000,
        );
        stay.stderr.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (numbered().length >= count) {
            clearTimeout(timeout);
            resolve();
          }
        });
      });
      expect(stay.exitCode).toBeNull();
      expect(numbered()).toEqual(Array.from({ length: count }, (_, i) => i));
    } finally {
      stay.kill('SIGKILL');
    }
  });
});
