import { parseAccessFile, sortDiagnostics } from '@nano-access/parser';
import type { Catalog, LoadOptions, LoadResult } from './types';
import type { TypedCatalog } from './typed-catalog';
import type { NanoPermission } from './catalogs/nano-permissions';
import { compile } from './compile';
import { nanoCatalog } from './nano-catalog';

/** LoadOptions whose catalog carries its permission names as a type. */
export interface TypedLoadOptions<P extends string> extends LoadOptions {
  catalog: TypedCatalog<P>;
}

/**
 * Parses and compiles an access file: the one code path the linter, the CLI
 * and the servers share, so a file one of them refuses, all refuse. Any
 * error diagnostic gives `policy: null`; warnings never block.
 */
export function loadPolicy(text: string, options?: LoadOptions & { catalog?: undefined }): LoadResult<NanoPermission>;
export function loadPolicy<P extends string>(text: string, options: TypedLoadOptions<P>): LoadResult<P>;
export function loadPolicy(text: string, options?: LoadOptions): LoadResult<string>;
export function loadPolicy(text: string, options: LoadOptions = {}): LoadResult<string> {
  const catalog: Catalog = options.catalog ?? nanoCatalog;
  const parsed = parseAccessFile(text, options.file === undefined ? {} : { file: options.file });
  if (!parsed.model) return { policy: null, diagnostics: parsed.diagnostics, model: null };
  const compiled = compile(parsed.model, catalog);
  const diagnostics =
    compiled.diagnostics.length === 0
      ? parsed.diagnostics
      : sortDiagnostics([...parsed.diagnostics, ...compiled.diagnostics]);
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { policy: failed ? null : compiled.policy, diagnostics, model: parsed.model };
}
