import { checkAccessStructure, checkEntryStructure } from './access-schema';
import { ModelBuilder } from './build-model';
import { sortDiagnostics } from './format';
import type { AccessModel, ParseOptions, ParseResult, UserEntry } from './model';
import { NodeKind, NONE, type PositionMap, ROOT } from './position-map';
import { readSections, readWholeDocument } from './read-access-document';
import { readPlainFile, type PlainFile } from './read-plain-file';
import type { UserColumns } from './user-columns';
import { Reporter } from './report';
import { coarsePositions, scanPositions } from './scan-positions';
import { SourceText } from './source-text';

/** The name diagnostics carry when the caller gives none. */
export const DEFAULT_ACCESS_FILE = 'config-access.toml';

/**
 * Reads a config-access.toml text into a typed model and every problem of
 * docs/rules.md that needs no catalog, in one pass. Never throws on any input:
 * `model` is null only when the text is not TOML (one fatal `toml-syntax`
 * diagnostic says where); otherwise bad entries are skipped and reported.
 */
export function parseAccessFile(text: string, options?: ParseOptions): ParseResult {
  const file = options?.file ?? DEFAULT_ACCESS_FILE;
  const source = new SourceText(typeof text === 'string' ? text : '');
  const plain = readPlainFile(source.text);
  if (plain !== undefined) return { model: plainModel(file, source, plain), diagnostics: [] };
  // Scanned before smol-toml reads it: the headers found let smol-toml read the file section by section.
  const map = positionsOf(source.text);
  // A TOML 1.1-only form makes the file a syntax error: read at once, where syntax errors come from.
  if (map.newerSyntax !== undefined) return readWhole(file, source, map);
  return readBySections(file, source, map) ?? readWhole(file, source, map);
}

/** parseAccessFile without the section reader: one parse of the whole text (the reference the section reader must equal; used by tests). */
export function parseAccessFileAtOnce(text: string, options?: ParseOptions): ParseResult {
  const source = new SourceText(text);
  return readWhole(options?.file ?? DEFAULT_ACCESS_FILE, source, positionsOf(text));
}

/** The usual way: section by section, each entry validated and added to the model as soon as it is read. */
function readBySections(file: string, source: SourceText, map: PositionMap): ParseResult | undefined {
  const reporter = new Reporter(file, source);
  const builder = new ModelBuilder(map, reporter);
  const cursor = { user: new EntryCursor(map, 'user'), role: new EntryCursor(map, 'role') };
  const ok = readSections(source.text, map.headers, {
    root(value) {
      checkAccessStructure(value, map, reporter);
    },
    entry(key, value, isArray) {
      const { node, index } = cursor[key].next();
      checkEntryStructure(key, value, isArray ? `/${key}/${index}` : `/${key}`, map, reporter);
      if (key === 'user') builder.addUser(value, node, index);
      else builder.addRole(value, node, index);
    },
  });
  if (!ok) return undefined;
  const model: AccessModel = { file, source, roles: builder.roles, users: builder.users };
  return { model, diagnostics: sortDiagnostics(reporter.diagnostics) };
}

/**
 * The model of a file the plain-file reader took: its users stay columns (what compile reads);
 * `users` builds the model's objects on first use, once.
 */
function plainModel(file: string, source: SourceText, plain: PlainFile): AccessModel {
  const model = { file, source, roles: plain.roles } as AccessModel;
  let users: UserEntry[] | undefined;
  let columns: UserColumns | undefined = plain.users;
  Object.defineProperty(model, 'users', {
    enumerable: true,
    get: (): UserEntry[] => (users ??= plain.users.materialize()),
    set(replaced: UserEntry[]) {
      users = replaced;
      columns = undefined; // the columns no longer describe the users
    },
  });
  Object.defineProperty(model, 'userColumns', { enumerable: false, get: () => columns });
  return model;
}

/** Files the section reader declines (no headers, unusual ones, any syntax error): one parse of the whole text. */
function readWhole(file: string, source: SourceText, map: PositionMap): ParseResult {
  const reporter = new Reporter(file, source);
  const doc = readWholeDocument(source.text, reporter, map.newerSyntax);
  if (doc === undefined) return { model: null, diagnostics: reporter.diagnostics };
  checkAccessStructure(doc, map, reporter);
  const builder = new ModelBuilder(map, reporter);
  builder.addDocument(doc);
  const model: AccessModel = { file, source, roles: builder.roles, users: builder.users };
  return { model, diagnostics: sortDiagnostics(reporter.diagnostics) };
}

/** The scanned tables of `[[key]]` entries in order (or the one `[key]` table), walked as sections arrive. */
class EntryCursor {
  private node = NONE;
  private index = -1;
  private readonly container: number;
  private readonly isArray: boolean;

  constructor(
    private readonly map: PositionMap,
    key: string,
  ) {
    this.container = map.child(ROOT, key);
    this.isArray = this.container !== NONE && map.kind(this.container) === NodeKind.TableArray;
  }

  next(): { node: number; index: number } {
    this.index++;
    if (this.container === NONE) return { node: ROOT, index: this.index };
    if (!this.isArray) return { node: this.container, index: this.index };
    this.node =
      this.index === 0
        ? this.map.firstChild(this.container)
        : this.node === NONE
          ? NONE
          : this.map.nextSibling(this.node);
    return { node: this.node === NONE ? this.container : this.node, index: this.index };
  }
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
