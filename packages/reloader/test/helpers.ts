import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger, PolicyStore, type PolicyStoreOptions } from '@nano-access/reloader';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A fresh temp directory and its remover. */
export function tempDir(prefix = 'nano-access-reloader-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A JSON-lines logger whose every line is kept, raw and parsed. */
export function captureLogger(level = 'debug'): {
  logger: Logger;
  lines: string[];
  records: () => Array<Record<string, unknown>>;
} {
  const lines: string[] = [];
  let partial = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line !== ''));
      done();
    },
  });
  const logger = createLogger({ destination: sink, pretty: false, level });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** The setting of a PolicyStore test: a fresh directory, its config-access.toml, the stores opened on it. */
export interface StoreFixture {
  readonly dir: string;
  /** `dir`/config-access.toml (not written: each test writes what it needs). */
  readonly file: string;
  /** Every store this test opened, in order; all are closed after it. */
  readonly stores: PolicyStore[];
  /** Opens a store on `path` (default `file`) with the fixture's default options, then `options`. */
  readonly open: (options?: PolicyStoreOptions, path?: string) => Promise<PolicyStore>;
}

/**
 * Registers, for the enclosing describe, a fresh directory before each test and, after it, the
 * closing of every store opened and the directory's removal.
 */
export function storeFixture(defaults: PolicyStoreOptions = {}): StoreFixture {
  let remove = (): void => undefined;
  const fixture: { -readonly [K in keyof StoreFixture]: StoreFixture[K] } = {
    dir: '',
    file: '',
    stores: [],
    open: async (options: PolicyStoreOptions = {}, path = fixture.file): Promise<PolicyStore> => {
      const store = await PolicyStore.open(path, { ...defaults, ...options });
      fixture.stores.push(store);
      return store;
    },
  };
  beforeEach(() => {
    ({ dir: fixture.dir, remove } = tempDir());
    fixture.file = join(fixture.dir, 'config-access.toml');
  });
  afterEach(async () => {
    await Promise.all(fixture.stores.splice(0).map((store) => store.close()));
    remove();
  });
  return fixture;
}

export const ALICE = 'alice-0f3c9a7e51d24b86';
export const BOB = 'bob-7d1e44c2a9b35f60';

/** An access file where ALICE reads the wallet. */
export const ALICE_READS = `[[user]]\nid = "${ALICE}"\nallow = "wallet_read"\n`;
/** An access file where ALICE reads and writes the wallet, and BOB queries accounts. */
export const ALICE_WRITES = `[[user]]\nid = "${ALICE}"\nallow = "wallet_read, wallet_write"\n\n[[user]]\nid = "${BOB}"\nallow = "account_query"\n`;

const packageDir = resolve(__dirname, '..');
const repoRoot = resolve(packageDir, '..', '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Child processes run the built dist/: build it when it is missing or older than the sources. */
export function ensureBuilt(): void {
  // tsc -b rewrites the build info on every build that changes anything, not every output file.
  const built = join(packageDir, 'dist', '.tsbuildinfo');
  if (
    existsSync(join(packageDir, 'dist', 'index.js')) &&
    existsSync(built) &&
    statSync(built).mtimeMs >= newestSource(join(packageDir, 'src'))
  )
    return;
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/reloader'],
    { cwd: repoRoot, stdio: 'pipe' },
  );
}
