import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { escapeControls, formatDiagnostic, suggest, type AccessFileFacts, type Diagnostic } from '@nano-access/parser';
import { maskIdsInDiagnostics } from '@nano-access/linter';
import { decodeAccessFile, readAccessFile, readAccessStream } from '@nano-access/reloader';
import { loadCatalog, loadPolicy, nanoCatalog, type Catalog, type Policy } from '@nano-access/resolver';
import { CliErrorCode } from './errors';
import type { CliIO } from './io';

/**
 * A value, or the reason there is none (already phrased for the user), with the diagnostics that
 * place it in the file when there are any (the first byte that is not UTF-8).
 */
export type Loaded<T> =
  { ok: true; value: T } | { ok: false; code: string; message: string; diagnostics?: readonly Diagnostic[] };

/** An access file's text, and its modes and owners (null for standard input, or on Windows). */
export interface AccessText {
  text: string;
  facts: AccessFileFacts | null;
}

/**
 * Reads an access file through the servers' own reader (readAccessFile of the reloader): a regular
 * file only, opened without blocking, within the size limit and the read deadline, and valid
 * UTF-8, so that the CLI never passes a file a server refuses to read. `-` reads standard input
 * (with the same size limit and UTF-8 check), named `stdinName` in messages; a file is named by
 * its path as given.
 */
export async function readAccessText(path: string, io: CliIO, stdinName = '<stdin>'): Promise<Loaded<AccessText>> {
  const read =
    path === '-'
      ? await readAccessStream(io.stdin)
      : await readAccessFile(resolve(io.cwd, path), { displayName: path });
  if (read.kind === 'missing')
    return { ok: false, code: CliErrorCode.fileUnreadable, message: `cannot read ${path}: ENOENT` };
  if (read.kind === 'error') {
    const errno = (read.cause as NodeJS.ErrnoException | undefined)?.code;
    if (errno !== undefined)
      return { ok: false, code: CliErrorCode.fileUnreadable, message: `cannot read ${path}: ${errno}` };
    return { ok: false, code: read.code, message: `${path}: ${read.message}` };
  }
  const shown = path === '-' ? stdinName : path;
  const decoded = decodeAccessFile(read.bytes, shown);
  if (!decoded.ok)
    return {
      ok: false,
      code: decoded.code,
      message: `${shown}: ${decoded.message}`,
      diagnostics: [decoded.diagnostic],
    };
  return { ok: true, value: { text: decoded.text, facts: read.facts } };
}

/** Reads a text file that is not an access file (a catalog) relative to the working directory; `-` reads standard input. */
export async function readText(path: string, io: CliIO): Promise<Loaded<string>> {
  try {
    if (path === '-') return { ok: true, value: await readStream(io.stdin) };
    return { ok: true, value: await readFile(resolve(io.cwd, path), 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, code: CliErrorCode.fileUnreadable, message: `cannot read ${path}: ${reason}` };
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The Nano catalog, or a custom one from a JSON file (validated). */
export async function readCatalog(path: string | undefined, io: CliIO): Promise<Loaded<Catalog>> {
  if (path === undefined) return { ok: true, value: nanoCatalog };
  const text = await readText(path, io);
  if (!text.ok) return text;
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch (error) {
    return { ok: false, code: CliErrorCode.catalogInvalid, message: `${path}: not JSON: ${(error as Error).message}` };
  }
  const loaded = loadCatalog(json);
  if (!loaded.catalog) {
    const reasons = loaded.errors.map((e) => `  ${e.message}`).join('\n');
    return { ok: false, code: CliErrorCode.catalogInvalid, message: `${path}: invalid catalog:\n${reasons}` };
  }
  return { ok: true, value: loaded.catalog };
}

/**
 * The catalog, when `permission` (if given) is one of its names: checking a
 * permission that does not exist is a mistake in the call, so it is refused
 * with the nearest name instead of being answered "denied".
 */
async function readCatalogFor(
  path: string | undefined,
  permission: string | undefined,
  io: CliIO,
): Promise<Loaded<Catalog>> {
  const catalog = await readCatalog(path, io);
  if (!catalog.ok || permission === undefined) return catalog;
  const known = catalog.value.permissions.map((p) => p.name);
  if (known.includes(permission)) return catalog;
  const near = suggest(permission, known);
  return {
    ok: false,
    code: CliErrorCode.permissionUnknown,
    message: `unknown permission "${permission}".${near ? ` Did you mean "${near}"?` : ''}`,
  };
}

/**
 * Reads, parses and compiles an access file through the same loadPolicy the
 * servers activate with. On errors, the diagnostics are written to stderr,
 * user ids they quote masked unless `showIds`.
 */
async function readPolicy(configPath: string, catalog: Catalog, showIds: boolean, io: CliIO): Promise<Policy | null> {
  const read = await readAccessText(configPath, io);
  if (!read.ok) {
    writeError(io, read);
    return null;
  }
  const text = read.value.text;
  const loaded = loadPolicy(text, { file: configPath, catalog });
  const { policy } = loaded;
  if (!policy) {
    const diagnostics = showIds
      ? loaded.diagnostics
      : maskIdsInDiagnostics(loaded.diagnostics, { text, model: loaded.model, diagnostics: loaded.diagnostics });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    writeDiagnostics(io, errors);
    const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
    writeError(io, {
      code: CliErrorCode.policyInvalid,
      message: `${configPath} has ${count}; no server would activate it`,
    });
    return null;
  }
  return policy;
}

/**
 * The policy `check` and `explain` answer from: the catalog (the Nano one or --catalog), the
 * permission asked about checked against it, then the access file. Every failure is written
 * to stderr; null means exit 2.
 */
export async function readPolicyFor(
  options: { config: string; catalog?: string; permission?: string; showIds?: boolean },
  io: CliIO,
): Promise<Policy | null> {
  const catalog = await readCatalogFor(options.catalog, options.permission, io);
  if (!catalog.ok) {
    writeError(io, catalog);
    return null;
  }
  return readPolicy(options.config, catalog.value, options.showIds === true, io);
}

export function writeDiagnostics(io: CliIO, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
}

/** The failure's diagnostics (`file:line:col: error: …`), then `nano-access: message (CODE)`, control characters escaped line by line. */
export function writeError(
  io: CliIO,
  failure: { code: string; message: string; diagnostics?: readonly Diagnostic[] },
): void {
  if (failure.diagnostics !== undefined) writeDiagnostics(io, failure.diagnostics);
  io.stderr.write(`nano-access: ${failure.message.split('\n').map(escapeControls).join('\n')} (${failure.code})\n`);
}
