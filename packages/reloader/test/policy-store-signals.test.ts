import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ALICE_READS, ALICE_WRITES, ensureBuilt, sha256, tempDir, waitFor } from './helpers';

jest.setTimeout(120000);

const packageDir = resolve(__dirname, '..');

interface Child {
  process: ChildProcessWithoutNullStreams;
  records: Array<Record<string, unknown>>;
  status(): Promise<Record<string, unknown>>;
}

function startChild(file: string): Promise<Child> {
  const child = spawn(process.execPath, [join(packageDir, 'test', 'fixtures', 'sighup-child.js'), file], {
    env: { ...process.env, NANO_ACCESS_LOG_FORMAT: 'json' },
  });
  const records: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) =>
    records.push(JSON.parse(line) as Record<string, unknown>),
  );
  const replies = (): Array<Record<string, unknown>> => records.filter((record) => record.reply === true);
  const status = async (): Promise<Record<string, unknown>> => {
    const before = replies().length;
    child.stdin.write('status\n');
    await waitFor(() => replies().length > before, 'a status reply');
    return replies()[replies().length - 1];
  };
  return waitFor(
    () => replies().some((r) => r.ready === true) || child.exitCode !== null,
    'the child to start',
    60000,
  ).then(() => {
    if (child.exitCode !== null) throw new Error(`child exited ${child.exitCode}: ${stderr}`);
    return { process: child, records, status };
  });
}

describe('PolicyStore in a child process receiving SIGHUP', () => {
  let dir: string;
  let remove: () => void;
  let file: string;
  let child: Child | null = null;

  beforeAll(() => ensureBuilt());
  beforeEach(() => {
    ({ dir, remove } = tempDir());
    file = join(dir, 'config-access.toml');
  });
  afterEach(async () => {
    if (child !== null && child.process.exitCode === null) {
      const exited = new Promise((done) => child!.process.once('exit', done));
      child.process.kill('SIGTERM');
      await exited;
    }
    child = null;
    remove();
  });

  it('reloads the changed file on SIGHUP and keeps running', async () => {
    writeFileSync(file, ALICE_READS);
    child = await startChild(file);
    expect(await child.status()).toMatchObject({ generation: 1, hash: sha256(ALICE_READS) });
    writeFileSync(file, ALICE_WRITES);
    child.process.kill('SIGHUP');
    await waitFor(
      () => child!.records.some((r) => r.msg === 'access policy reloaded' && r.generation === 2),
      'the reload log line',
    );
    expect(child.records.find((r) => r.msg === 'access policy reloaded')).toMatchObject({
      trigger: 'signal',
      hash: sha256(ALICE_WRITES),
    });
    expect(await child.status()).toMatchObject({ generation: 2, hash: sha256(ALICE_WRITES) });
    // Still alive, and a second SIGHUP works too.
    writeFileSync(file, ALICE_READS);
    child.process.kill('SIGHUP');
    await waitFor(
      () => child!.records.some((r) => r.msg === 'access policy reloaded' && r.generation === 3),
      'the second reload',
    );
    expect(child.process.exitCode).toBeNull();
    expect(await child.status()).toMatchObject({ generation: 3 });
  });

  it('creates no generation on SIGHUP when the file is unchanged', async () => {
    writeFileSync(file, ALICE_READS);
    child = await startChild(file);
    child.process.kill('SIGHUP');
    await waitFor(() => child!.records.some((r) => r.msg === 'access file unchanged'), 'the unchanged log line');
    expect(await child.status()).toMatchObject({ generation: 1, hash: sha256(ALICE_READS) });
    expect(child.records.some((r) => r.msg === 'access policy reloaded')).toBe(false);
    expect(child.process.exitCode).toBeNull();
  });
});
