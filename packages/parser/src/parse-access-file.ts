import { checkAccessStructure } from './access-schema';
import { ModelBuilder } from './build-model';
import { sortDiagnostics } from './format';
import type { AccessModel, ParseOptions, ParseResult } from './model';
import type { PositionMap } from './position-map';
import { Reporter } from './report';
import { coarsePositions, scanPositions } from './scan-positions';
import { SourceText } from './source-text';
import { readAccessDocument } from './read-access-document';

/** The name diagnostics carry when the caller gives none. */
export const DEFAULT_ACCESS_FILE = 'config-access.toml';

/**
 * Reads a config-access.toml text into a typed model and every problem of
 * ACCESS.md §5 that needs no catalog, in one pass. Never throws on any input:
 * `model` is null only when the text is not TOML (one fatal `toml-syntax`
 * diagnostic says where); otherwise bad entries are skipped and reported.
 */
export function parseAccessFile(text: string, options?: ParseOptions): ParseResult {
  const file = options?.file ?? DEFAULT_ACCESS_FILE;
  const source = new SourceText(typeof text === 'string' ? text : '');
  const reporter = new Reporter(file, source);
  // Scanned before smol-toml reads it: the headers found let smol-toml read a big file section by section.
  const map = positionsOf(source.text);
  const doc = readAccessDocument(source.text, map, reporter);
  if (doc === undefined) return { model: null, diagnostics: reporter.diagnostics };
  checkAccessStructure(doc, map, reporter);
  const builder = new ModelBuilder(doc, map, reporter);
  const model: AccessModel = { file, source, roles: builder.roles(), users: builder.users() };
  return { model, diagnostics: sortDiagnostics(reporter.diagnostics) };
}

/**
 * Positions from the scanner. It may see text smol-toml will reject (it runs
 * first for access files); it always ends and, should it ever fail, the whole
 * file stands for every place (coarse, never wrong).
 */
export function positionsOf(text: string): PositionMap {
  try {
    return scanPositions(text);
  } catch {
    return coarsePositions(text);
  }
}
