/**
 * Reproduction of the soak's phase-1 finding (docs/reliability.md): a file
 * written in place in chunks, each pause shorter than the reloader's 100 ms
 * debounce, is still activated half-written when the process's event loop is
 * busy for a moment: the debounce timer runs (timers before I/O) while the
 * watch events of the later chunks wait in the queue, so the reload reads the
 * file between two chunks. A prefix that happens to be valid TOML is applied.
 *
 *   npx tsc -b && npx tsx bench/soak/repro-partial-write.ts
 *
 * Exits 1 when a half-written file was applied (the bug), 0 otherwise.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PolicyStore } from '@nano-access/reloader';

const id = (n: number): string => `repro-user-${n}-0123456789abcdef0123456789abcdef`;
const head = '[[user]]\nid = ""\n\n';
const users = [0, 1, 2].map((n) => `[[user]]\nid = "${id(n)}"\nallow = "account_query"\n\n`);
const full = head + users.join('');
// Chunks end at line boundaries, so the first two together are a valid policy without user 2.
const chunks = [head + users[0], users[1], users[2]];

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'nano-access-repro-'));
  const file = join(dir, 'config-access.toml');
  writeFileSync(file, '[[user]]\nid = ""\n', { mode: 0o600 });
  const store = await PolicyStore.open(file, { watch: true });
  const applied: string[] = [];
  store.on('reloaded', (event) => {
    if (event.hash !== null) applied.push(event.hash);
  });
  await new Promise((done) => setTimeout(done, 300));

  // The writer: truncate, chunk, 80 ms, chunk, 80 ms, chunk (each pause under the 100 ms debounce).
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const fs = require('node:fs');
     const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
     const fd = fs.openSync(workerData.file, 'w');
     workerData.chunks.forEach((chunk, i) => { if (i > 0) pause(80); fs.writeSync(fd, chunk); if (i === 0) parentPort.postMessage('first'); });
     fs.closeSync(fd);`,
    { eval: true, workerData: { file, chunks } },
  );
  await new Promise<void>((done) => worker.once('message', () => done()));
  // Let the first chunk's watch event arm the debounce, then keep the loop busy for 130 ms
  // (a GC pause, a burst of requests): chunk 2 is written meanwhile, chunk 3 after.
  // The busy callback runs outside the timers phase (an I/O or immediate callback, as a request
  // handler does), so the next loop iteration runs the expired debounce timer before polling
  // for the watch event of chunk 2.
  await new Promise((done) => setTimeout(done, 20));
  await new Promise<void>((done) =>
    setImmediate(() => {
      const until = Date.now() + 130;
      while (Date.now() < until) {
        // busy
      }
      done();
    }),
  );
  await new Promise<void>((done) => worker.once('exit', () => done()));
  await new Promise((done) => setTimeout(done, 500));
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const fullHash = createHash('sha256').update(full).digest('hex');
  const partial = applied.filter((hash) => hash !== fullHash).length;
  process.stdout.write(
    `reloads applied: ${applied.length}; half-written files applied: ${partial}; final content applied: ${applied.includes(fullHash)}\n`,
  );
  return partial > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(2);
  },
);
