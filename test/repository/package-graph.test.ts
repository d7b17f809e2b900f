import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

// The package graph is written down in five places that must agree with the code: each package's
// package.json and tsconfig.json, docs/architecture.md, CONTRIBUTING.md and eslint.config.mjs.
// Imports are read with TypeScript's own pre-processor, so `import type`, `export … from`,
// `import()` and `require()` all count, and comments and strings do not.

const repoRoot = join(__dirname, '..', '..');
const packagesDir = join(repoRoot, 'packages');
const SCOPE = '@nano-access/';
const packages = readdirSync(packagesDir)
  .filter((name) => statSync(join(packagesDir, name, 'package.json'), { throwIfNoEntry: false })?.isFile())
  .sort();
const builtins = new Set(builtinModules);

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function tsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** The packages (npm names) the .ts files under `dir` import, with the files that import each. */
function importedPackages(dir: string): Map<string, string[]> {
  const imported = new Map<string, string[]>();
  for (const file of tsFiles(dir)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      const files = imported.get(name) ?? [];
      files.push(relative(repoRoot, file));
      imported.set(name, files);
    }
  }
  return imported;
}

const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();
const siblings = (names: Iterable<string>): string[] =>
  sorted([...names].filter((name) => name.startsWith(SCOPE)).map((name) => name.slice(SCOPE.length)));

const graph = new Map(
  packages.map((name) => {
    const dir = join(packagesDir, name);
    return [
      name,
      {
        manifest: readJson<Manifest>(join(dir, 'package.json')),
        tsconfig: readJson<{ references?: Array<{ path: string }> }>(join(dir, 'tsconfig.json')),
        src: importedPackages(join(dir, 'src')),
        tests: importedPackages(join(dir, 'test')),
      },
    ];
  }),
);

/** Each package's sibling imports, from its src. */
const siblingImports = new Map(packages.map((name) => [name, siblings(graph.get(name)!.src.keys())]));

/** `| \`name\` | … | imports |` rows of a markdown table whose header has `header` in its last column. */
function tableImports(markdown: string, header: RegExp): Map<string, string[]> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|') && header.test(line.split('|').at(-2) ?? ''));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1);
    const name = /`([a-z-]+)`/.exec(cells[0])?.[1];
    if (name === undefined) continue;
    const listed = cells
      .at(-1)!
      .replace(/\([^)]*\)/g, '')
      .split(/[,\s]+/);
    rows.set(name, sorted(listed.filter((word) => packages.includes(word))));
  }
  return rows;
}

describe('the package graph, written down', () => {
  it('finds every workspace package, and reads imports of every kind', () => {
    const workspaces = readJson<{ workspaces: string[] }>(join(repoRoot, 'package.json')).workspaces;
    expect(sorted(workspaces.map((path) => path.replace(/^packages\//, '')))).toEqual(packages);
    const probe = ts.preProcessFile(
      "import type { A } from 'a';\nexport { b } from '@s/b/deep';\n// import 'c';\nconst d = require('d');\nvoid import('e');",
      true,
      true,
    );
    expect(probe.importedFiles.map((f) => f.fileName)).toEqual(['a', '@s/b/deep', 'd', 'e']);
  });

  it.each(packages)('%s: package.json declares exactly what its src imports', (name) => {
    const { manifest, src } = graph.get(name)!;
    const optionalPeers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => manifest.peerDependenciesMeta?.[peer]?.optional === true,
    );
    const declared = sorted([...Object.keys(manifest.dependencies ?? {}), ...optionalPeers]);
    expect({ package: name, declared }).toEqual({ package: name, declared: sorted(src.keys()) });
  });

  it.each(packages)(
    '%s: its tests import only what it declares (a sibling only its tests use is a devDependency)',
    (name) => {
      const { manifest, src, tests } = graph.get(name)!;
      const rootDev = Object.keys(readJson<Manifest>(join(repoRoot, 'package.json')).devDependencies ?? {});
      const available = new Set([
        `${SCOPE}${name}`,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.devDependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...rootDev,
      ]);
      const undeclared = [...tests.entries()]
        .filter(([dep]) => !available.has(dep))
        .map(([dep, files]) => ({ dep, files }));
      expect(undeclared).toEqual([]);
      const devSiblings = Object.keys(manifest.devDependencies ?? {}).filter((dep) => dep.startsWith(SCOPE));
      for (const dep of devSiblings) {
        expect({ dep, importedBySrc: src.has(dep), importedByTests: tests.has(dep) }).toEqual({
          dep,
          importedBySrc: false,
          importedByTests: true,
        });
      }
    },
  );

  it.each(packages)('%s: tsconfig references are exactly the siblings its src imports', (name) => {
    const references = (graph.get(name)!.tsconfig.references ?? []).map((ref) => ref.path.replace(/^\.\.\//, ''));
    expect({ package: name, references: sorted(references) }).toEqual({
      package: name,
      references: siblingImports.get(name),
    });
  });

  it("docs/architecture.md's table and picture and CONTRIBUTING.md's table list exactly those imports", () => {
    const architecture = readFileSync(join(repoRoot, 'docs', 'architecture.md'), 'utf8');
    const contributing = readFileSync(join(repoRoot, 'CONTRIBUTING.md'), 'utf8');
    const expected = Object.fromEntries(siblingImports);
    expect(Object.fromEntries(tableImports(architecture, /may import/))).toEqual(expected);
    expect(Object.fromEntries(tableImports(contributing, /imports/))).toEqual(expected);
    // The picture names each package's imports after a ◄ (packages that import none say so).
    const picture = /```\n([\s\S]*?)```/.exec(architecture)![1];
    for (const name of packages) {
      const line = picture.split('\n').find((text) => new RegExp(`(^|[\\s►])${name}\\s+◄`).test(text));
      const listed = line === undefined ? [] : line.slice(line.indexOf('◄') + 1).split(/[,;\s]+/);
      expect({ name, listed: sorted(listed.filter((word) => packages.includes(word))) }).toEqual({
        name,
        listed: siblingImports.get(name),
      });
    }
  });

  it('eslint.config.mjs allows each package exactly the siblings it imports', () => {
    const config = readFileSync(join(repoRoot, 'eslint.config.mjs'), 'utf8');
    const literal = /const packageGraph = \{([\s\S]*?)\n\};/.exec(config)![1];
    const allowed: Record<string, string[]> = {};
    for (const [, key, list] of literal.matchAll(/^\s*'?([a-z-]+)'?: \[([^\]]*)\],?$/gm))
      allowed[key] = sorted([...list.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]));
    expect(allowed).toEqual(Object.fromEntries(siblingImports));
  });
});
