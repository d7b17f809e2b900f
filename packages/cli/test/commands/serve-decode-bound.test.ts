import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IpcClient } from '@nano-access/ipc-server';
import { decodeFlatbuffersEnvelope, encodeFlatbuffersEnvelope } from '@nano-access/protocol';
import { sharedStringTopicConfirmation } from '../../../protocol/test/flatbuffers/crafted-frames';

// One encoding-3 frame without a key, built to expand (10,000 vector entries sharing one ~1 MB
// string), against `nano-access serve` as a real child process (built dist) over real TCP. The
// child's heap is capped, so a server that decoded it entry by entry would die here, not eat the
// machine's memory.

const REPO = path.join(__dirname, '..', '..', '..', '..');
const BIN = path.join(REPO, 'packages', 'cli', 'bin', 'nano-access.js');
const LEDGER = path.join(REPO, 'fixtures', 'data', 'ledger.json');
const HEAP_CAP_MB = 256;

/** Peak resident set size of a process, in bytes (Linux /proc). */
function peakRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (kib === null) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kib[1]) * 1024;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('nano-access serve: an encoding-3 frame that expands when decoded', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is refused with an Error envelope; the server stays up, answers, and its memory does not grow with the expansion', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-fb-bound-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.copyFileSync(LEDGER, path.join(dir, 'ledger.json'));
    fs.writeFileSync(path.join(dir, 'config-node.toml'), '[node.ipc.tcp]\nenable = true\nport = 0\n');
    fs.writeFileSync(path.join(dir, 'config-rpc.toml'), 'port = 0\n');
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, BIN, 'serve', '--data', dir], {
      env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'silent' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    await waitFor(() => /listening on tcp 127\.0\.0\.1:\d+/.test(out) || child.exitCode !== null, 'serve to listen');
    const port = Number(/listening on tcp 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    const client = new IpcClient({ host: '127.0.0.1', port, timeoutMs: 20_000, env: {} });
    cleanups.push(() => client.close());
    expect((await client.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
    const before = peakRss(child.pid!);

    const frame = sharedStringTopicConfirmation(10_000, 1_000_000);
    expect(frame.length).toBeLessThanOrEqual(1_048_576); // within the default max_frame_bytes
    const answer = decodeFlatbuffersEnvelope(await client.request(3, frame));
    expect(answer).toEqual({
      ok: true,
      value: expect.objectContaining({
        message_type: 'Error',
        message: {
          code: 1,
          category: 0,
          message: 'Invalid message format: /message/options/accounts/0: longer than 65 characters',
        },
      }),
    });

    // The same connection and the process still answer.
    const alive = decodeFlatbuffersEnvelope(
      await client.request(3, encodeFlatbuffersEnvelope({ message_type: 'IsAlive', message: {} })),
    );
    expect(alive.ok && alive.value.message_type).toBe('IsAlive');
    const fresh = new IpcClient({ host: '127.0.0.1', port, timeoutMs: 20_000, env: {} });
    cleanups.push(() => fresh.close());
    expect((await fresh.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('IsAlive');
    expect(child.exitCode).toBeNull();
    // Expanded, the frame is 10 GB of strings; bounded, about its own megabyte.
    expect(peakRss(child.pid!) - before).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
