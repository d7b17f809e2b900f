import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureBuilt } from './helpers';

jest.setTimeout(120_000);

const child = join(resolve(__dirname, '..'), 'test', 'fixtures', 'async-log-child.js');
const LINES = 20_000;

/** Runs the child to its end; resolves with the log lines it wrote to stderr, counted as parsed records. */
function run(ending: string): Promise<{ lines: Array<Record<string, unknown>>; code: number | null }> {
  return new Promise((done) => {
    const process_ = spawn(process.execPath, [child, ending, String(LINES)], {
      env: { ...process.env, NANO_ACCESS_LOG_FORMAT: 'json' },
    });
    let stderr = '';
    process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    process_.on('close', (code) =>
      done({
        code,
        lines: stderr
          .split('\n')
          .filter((line) => line.startsWith('{"level"'))
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      }),
    );
  });
}

describe("the servers' asynchronous log destination (createLogger({ destination: 2 }))", () => {
  beforeAll(() => ensureBuilt());

  it.each(['exit', 'sigterm', 'throw', 'reject'])(
    'loses no line when the process ends by %s right after logging',
    async (ending) => {
      const { lines } = await run(ending);
      const numbered = lines.filter((line) => line.msg === 'line').map((line) => line.i);
      expect(numbered).toHaveLength(LINES);
      // In order, each once.
      expect(numbered.every((i, at) => i === at)).toBe(true);
    },
  );
});
