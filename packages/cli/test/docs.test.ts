import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cli from '@nano-access/cli';
import * as gateway from '@nano-access/gateway';
import * as ipcServer from '@nano-access/ipc-server';
import * as linter from '@nano-access/linter';
import * as parser from '@nano-access/parser';
import * as protocol from '@nano-access/protocol';
import * as reloader from '@nano-access/reloader';
import * as resolver from '@nano-access/resolver';

const repoRoot = join(__dirname, '..', '..', '..');
const errorsDoc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
const documentedCodes = new Set([...errorsDoc.matchAll(/^###\s+`?(NA_[A-Z0-9_]+)`?\s*$/gm)].map((m) => m[1]));

const packages: Record<string, { errorCodes?: readonly string[] }> = {
  parser,
  resolver,
  reloader,
  linter,
  protocol,
  'ipc-server': ipcServer,
  gateway,
  cli,
};

describe('docs/errors.md', () => {
  it.each(Object.entries(packages))('documents every error code of %s', (name, exports) => {
    expect(Array.isArray(exports.errorCodes)).toBe(true);
    const missing = (exports.errorCodes ?? []).filter((code) => !documentedCodes.has(code));
    expect({ package: name, missing }).toEqual({ package: name, missing: [] });
  });

  it('documents no code that no package has', () => {
    const known = new Set(Object.values(packages).flatMap((p) => p.errorCodes ?? []));
    const stale = [...documentedCodes].filter((code) => !known.has(code));
    expect(stale).toEqual([]);
  });

  it('uses the NA_ prefix for every code', () => {
    for (const exports of Object.values(packages)) {
      for (const code of exports.errorCodes ?? []) expect(code).toMatch(/^NA_[A-Z0-9_]+$/);
    }
  });
});
