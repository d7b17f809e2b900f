import type { NewerSyntax } from './position-map';
import type { Reporter } from './report';
import { readPlainSection } from './plain-section';
import { parseToml } from './smol-toml';
import { readToml } from './toml-syntax';

type TomlTable = Record<string, unknown>;

/** What a file read section by section is handed to, section by section, in file order. */
export interface SectionVisitor {
  /** The keys before the first header (without `user` or `role`, which then come only from headers). */
  root(value: TomlTable): void;
  /** One `[[user]]` / `[[role]]` entry, or the single `[user]` / `[role]` table. */
  entry(key: 'user' | 'role', value: TomlTable, isArray: boolean): void;
}

/**
 * smol-toml's reading of a whole access file, at once; undefined (and a
 * fatal `toml-syntax` diagnostic) when it is not TOML 1.0 (`newer`: the
 * first TOML 1.1-only form the position scanner found).
 */
export function readWholeDocument(text: string, reporter: Reporter, newer?: NewerSyntax): TomlTable | undefined {
  return readToml(text, reporter, newer);
}

const SECTION_HEADERS: Record<string, { key: 'user' | 'role'; isArray: boolean }> = {
  '[[user]]': { key: 'user', isArray: true },
  '[[role]]': { key: 'role', isArray: true },
  '[user]': { key: 'user', isArray: false },
  '[role]': { key: 'role', isArray: false },
};

/**
 * Reads a large access file section by section: each `[[user]]` /
 * `[[role]]` body is handed to smol-toml on its own and then to `visitor`, so
 * every section's values are garbage as soon as the model has what it needs
 * (one parse of a million-entry document keeps all of it, and its own
 * bookkeeping, alive to the end, and spends most of its time collecting
 * garbage). smol-toml still reads every value; the split only decides where
 * sections begin, from the headers the position scanner found.
 *
 * Returns false, having perhaps visited some sections, when the split is not
 * certainly the same as one parse (an unusual header, a conflict, any syntax
 * error): the caller then discards what it got and parses the whole text at
 * once, so syntax errors always come from a whole-document parse.
 *
 * Why it is the same: each section parsed alone consists of complete
 * statements; a header found at the start of a line, followed only by a
 * comment or the end of the line, is read by a whole-document parse exactly
 * as here; and the only state a TOML parse carries across headers is which
 * tables are defined, which is checked here (no root `user`/`role` key, a
 * single table defined once, never both forms of one name).
 */
export function readSections(text: string, headers: readonly number[], visitor: SectionVisitor): boolean {
  if (headers.length === 0) return false; // nothing to split: one parse is as cheap
  try {
    // The keys before the first header, usually none: read as any section is (smol-toml only when not plain).
    const root = readPlainSection(text, 0, headers[0]) ?? parseToml(text.slice(0, headers[0]));
    if (Object.prototype.hasOwnProperty.call(root, 'user') || Object.prototype.hasOwnProperty.call(root, 'role'))
      return false;
    visitor.root(root);
    const defined = new Set<string>();
    for (let h = 0; h < headers.length; h += 2) {
      const start = headers[h];
      const end = headers[h + 1];
      const header = SECTION_HEADERS[text.slice(start, end)];
      if (header === undefined || !startsLine(text, start) || !endsLine(text, end)) return false;
      const { key, isArray } = header;
      if (defined.has(key) && (!isArray || !defined.has(`${key}[]`))) return false; // [user] twice, or mixed with [[user]]
      defined.add(key);
      if (isArray) defined.add(`${key}[]`);
      const bodyEnd = h + 2 < headers.length ? headers[h + 2] : text.length;
      const body = readPlainSection(text, end, bodyEnd) ?? parseToml(text.slice(end, bodyEnd));
      visitor.entry(key, body, isArray);
    }
    return true;
  } catch {
    return false;
  }
}

/** The document `readSections` reads, assembled (for tests: it must equal one parse), or undefined when it declines. */
export function assembleSections(text: string, headers: readonly number[]): TomlTable | undefined {
  let doc: TomlTable = {};
  const ok = readSections(text, headers, {
    root(value) {
      doc = value;
    },
    entry(key, value, isArray) {
      if (!isArray) doc[key] = value;
      else ((doc[key] ??= []) as unknown[]).push(value);
    },
  });
  return ok ? doc : undefined;
}

/** Only blanks between the previous line break (or the start of the text) and `offset`. */
function startsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && !(i === 0 && c === 0xfeff)) return false;
  }
  return true;
}

/** Only blanks, then a comment, a line break or the end of the text, after `offset`. */
function endsLine(text: string, offset: number): boolean {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 35) return true;
    if (c === 13) return text.charCodeAt(i + 1) === 10;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
