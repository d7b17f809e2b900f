import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * code → the names a test may write it by: `<Table>.<key>` for a key of a package's
 * defineErrorCodes table (`IpcErrorCode.badResponse`), or an upper-case constant given the code
 * or such an entry (`POLICY_INVALID`, `RATE_LIMITED_CODE`). A key alone is not enough: packages
 * share key names (`permissionUnknown`), and protocol's wire ErrorCode has keys of the same names.
 */
const defined = new Map<string, Set<string>>();
for (const file of sources) {
  const text = readFileSync(file, 'utf8');
  for (const [code] of text.matchAll(CODE)) if (!defined.has(code)) defined.set(code, new Set());
  for (const [, table, body] of text.matchAll(/\bconst\s+(\w+)\s*=\s*defineErrorCodes\(\{([\s\S]*?)\}\);/g))
    for (const [, key, code] of body.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*:\s*'(NA_[A-Z0-9_]+)'/g))
      defined.get(code)?.add(`${table}.${key}`);
  for (const [, name, code] of text.matchAll(/\b([A-Z][A-Z0-9_]*)\s*=\s*'(NA_[A-Z0-9_]+)'/g))
    defined.get(code)?.add(name);
}
// An upper-case alias of a table entry (`RATE_LIMITED_CODE = ProtocolErrorCode.rateLimited`).
for (const file of sources)
  for (const [, alias, entry] of readFileSync(file, 'utf8').matchAll(/\b([A-Z][A-Z0-9_]*)\s*=\s*(\w+\.\w+);/g))
    for (const names of defined.values()) if (names.has(entry)) names.add(alias);

const documented = new Set(
  [...readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8').matchAll(/^###\s+`?(NA_[A-Z0-9_]+)`?\s*$/gm)].map(
    (m) => m[1],
  ),
);
const testText = testFiles.map((file) => readFileSync(file, 'utf8')).join('\n');

function appearsInTests(code: string): boolean {
  if (testText.includes(code)) return true;
  return [...(defined.get(code) ?? [])].some((name) => new RegExp(`\\b${name.replace('.', '\\.')}\\b`).test(testText));
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

/** A programmer or setup error, provoked through each package's public API. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('one error shape in every package', () => {
  const tables: Record<string, [readonly string[], Readonly<Record<string, string>>]> = {
    metrics: [metrics.errorCodes, metrics.MetricsErrorCode],
    parser: [parser.errorCodes, parser.ParserErrorCode],
    resolver: [resolver.errorCodes, resolver.ResolverErrorCode],
    reloader: [reloader.errorCodes, reloader.ReloadErrorCode],
    linter: [linter.errorCodes, linter.LinterErrorCode],
    protocol: [protocol.errorCodes, protocol.ProtocolErrorCode],
    'ipc-server': [ipcServer.errorCodes, ipcServer.IpcErrorCode],
    gateway: [gateway.errorCodes, gateway.GatewayErrorCode],
    cli: [cli.errorCodes, cli.CliErrorCode],
  };

  it.each(Object.keys(tables))('%s exports errorCodes as its frozen table lists them', (name) => {
    const [codes, table] = tables[name];
    expect(Object.isFrozen(table)).toBe(true);
    expect([...codes]).toEqual(Object.values(table));
  });

  it('throws, from each package that throws, a NanoAccessError subclass of its own with a code of its own table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'na-error-shape-'));
    try {
      const broken = join(dir, 'config-access.toml');
      writeFileSync(broken, '[[user]]\nid = "a"\nallow = "no_such_permission"\n', { mode: 0o600 });
      const thrown: Record<string, unknown> = {
        metrics: thrownBy(() => new metrics.Counter({ name: 'bad-name', help: '' })),
        parser: thrownBy(() => parser.parseTomlConfig('a = 1\n', { file: 'c.toml', schema: { type: 'no-such-type' } })),
        resolver: thrownBy(() => resolver.loadPolicy('').policy!.checkAll('a', [])),
        reloader: await reloader.PolicyStore.open(broken, { watch: false }).then(
          () => null,
          (error: unknown) => error,
        ),
        linter: thrownBy(() => linter.lintText('', { file: 'config-access.toml', rules: { 'no-such-rule': 'off' } })),
        protocol: thrownBy(() => protocol.createNodeRpcBackend({ url: 'ftp://127.0.0.1/' })),
        'ipc-server': thrownBy(() => new ipcServer.IpcClient({ env: { NANO_IPC_PORT: 'x' } })),
        gateway: thrownBy(() => new gateway.IpcPool({ size: 0, createClient: () => ({}) as never })),
      };
      const shapes = Object.entries(thrown).map(([name, error]) => ({
        name,
        base: error instanceof parser.NanoAccessError,
        ownCode: tables[name][0].includes((error as { code?: string }).code ?? ''),
      }));
      expect(shapes).toEqual(Object.keys(thrown).map((name) => ({ name, base: true, ownCode: true })));
      expect(Object.values(thrown).map((error) => (error as Error).name)).toEqual([
        'MetricsError',
        'ParserError',
        'PolicyError',
        'PolicyStoreError',
        'LinterError',
        'ProtocolError',
        'IpcError',
        'GatewayError',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
