import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as cli from '@nano-access/cli';
import * as gateway from '@nano-access/gateway';
import * as ipcServer from '@nano-access/ipc-server';
import * as linter from '@nano-access/linter';
import * as metrics from '@nano-access/metrics';
import * as parser from '@nano-access/parser';
import * as protocol from '@nano-access/protocol';
import * as reloader from '@nano-access/reloader';
import * as resolver from '@nano-access/resolver';

// Every NA_* error code, read from the sources as text (however a package declares it): documented
// in docs/errors.md, and asserted by at least one test. A code written in a test as its literal or
// through its constant (`IpcErrorCode.badResponse`, `POLICY_INVALID`) counts.

const repoRoot = join(__dirname, '..', '..');
const CODE = /\bNA_[A-Z0-9]+(?:_[A-Z0-9]+)+\b/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(`${join('/', 'node_modules', '/')}`));
}

const packagesDir = join(repoRoot, 'packages');
const packageNames = readdirSync(packagesDir);
const sources = packageNames.flatMap((name) => tsFiles(join(packagesDir, name, 'src')));
const testFiles = [
  ...packageNames.flatMap((name) => tsFiles(join(packagesDir, name, 'test'))),
  ...tsFiles(join(repoRoot, 'test')),
].filter((path) => path !== __filename);

/** code → the names it is given in the sources (an errorCodes key, or a constant). */
const defined = new Map<string, Set<string>>();
for (const file of sources) {
  const text = readFileSync(file, 'utf8');
  for (const [code] of text.matchAll(CODE)) if (!defined.has(code)) defined.set(code, new Set());
  for (const [, name, code] of text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*[:=]\s*'(NA_[A-Z0-9_]+)'/g))
    defined.get(code)?.add(name);
}

const documented = new Set(
  [...readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8').matchAll(/^###\s+`?(NA_[A-Z0-9_]+)`?\s*$/gm)].map(
    (m) => m[1],
  ),
);
const testText = testFiles.map((file) => readFileSync(file, 'utf8')).join('\n');

function appearsInTests(code: string): boolean {
  if (testText.includes(code)) return true;
  return [...(defined.get(code) ?? [])].some((name) =>
    /^[A-Z0-9_]+$/.test(name)
      ? new RegExp(`\\b${name}\\b`).test(testText)
      : new RegExp(`ErrorCode\\.${name}\\b`).test(testText),
  );
}

describe('NA_* error codes, across the repository', () => {
  it('reads the codes from every package', () => {
    const prefixes = new Set([...defined.keys()].map((code) => code.split('_')[1]));
    expect([...prefixes].sort()).toEqual(
      expect.arrayContaining(['CATALOG', 'CLI', 'GATEWAY', 'IPC', 'LINT', 'METRICS', 'PARSER', 'PROTOCOL', 'RELOAD']),
    );
    expect(testFiles.map((file) => relative(repoRoot, file))).toContain('packages/ipc-server/test/client.test.ts');
  });

  it('documents every code defined in the sources in docs/errors.md', () => {
    expect([...defined.keys()].filter((code) => !documented.has(code)).sort()).toEqual([]);
  });

  it('defines every code docs/errors.md documents', () => {
    expect([...documented].filter((code) => !defined.has(code)).sort()).toEqual([]);
  });

  it('has every code asserted in at least one test', () => {
    expect([...defined.keys()].filter((code) => !appearsInTests(code)).sort()).toEqual([]);
  });
});

/** Each package's exported `errorCodes`, the list its users and the docs walker read. */
const exported: Record<string, { errorCodes?: readonly string[] }> = {
  metrics,
  parser,
  resolver,
  reloader,
  linter,
  protocol,
  'ipc-server': ipcServer,
  gateway,
  cli,
};

describe("each package's exported errorCodes", () => {
  it('covers every workspace package', () => {
    expect(Object.keys(exported).sort()).toEqual([...packageNames].sort());
  });

  it.each(Object.entries(exported))(
    '%s: exports its codes, each NA_* and documented in docs/errors.md',
    (name, module) => {
      expect(Array.isArray(module.errorCodes)).toBe(true);
      const wrong = (module.errorCodes ?? []).filter((code) => !/^NA_[A-Z0-9_]+$/.test(code) || !documented.has(code));
      expect({ package: name, wrong }).toEqual({ package: name, wrong: [] });
    },
  );

  it('together hold every code docs/errors.md documents, and every code the sources define', () => {
    const all = new Set(Object.values(exported).flatMap((module) => module.errorCodes ?? []));
    expect([...documented].filter((code) => !all.has(code)).sort()).toEqual([]);
    expect([...defined.keys()].filter((code) => !all.has(code)).sort()).toEqual([]);
  });
});
