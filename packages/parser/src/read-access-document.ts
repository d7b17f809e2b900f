import type { PositionMap } from './position-map';
import type { Reporter } from './report';
import { parseToml } from './smol-toml';
import { readToml } from './toml-syntax';

type TomlTable = Record<string, unknown>;

/**
 * smol-toml's reading of an access file. A large file is read section by
 * section: each `[[user]]` / `[[role]]` body is handed to smol-toml on its
 * own, which keeps its bookkeeping small and short-lived (one parse of a
 * million-entry document spends most of its time collecting garbage).
 * smol-toml still reads every value; the split only decides where sections
 * begin, from the headers the position scanner found. Whenever the split is
 * not certainly equivalent to one parse (an unusual header, a conflict, any
 * syntax error), the whole text is parsed at once, and syntax errors always
 * come from that whole-document parse.
 */
export function readAccessDocument(text: string, map: PositionMap, reporter: Reporter): TomlTable | undefined {
  const sections = readSections(text, map.headers);
  return sections ?? readToml(text, reporter);
}

const SECTION_HEADERS: Record<string, { key: 'user' | 'role'; isArray: boolean }> = {
  '[[user]]': { key: 'user', isArray: true },
  '[[role]]': { key: 'role', isArray: true },
  '[user]': { key: 'user', isArray: false },
  '[role]': { key: 'role', isArray: false },
};

/**
 * The document read section by section, or undefined when that is not
 * certainly the same as one parse. Exported for the equivalence test.
 *
 * Why it is the same: each section parsed alone consists of complete
 * statements; a header found at the start of a line, followed only by a
 * comment or the end of the line, is read by a whole-document parse exactly
 * as here; and the only state a TOML parse carries across headers is which
 * tables are defined, which is checked below (no root `user`/`role` key
 * beside a header of that name, a single table defined once, never both forms).
 */
export function readSections(text: string, headers: readonly number[]): TomlTable | undefined {
  if (headers.length === 0) return undefined;
  try {
    const doc = parseToml(text.slice(0, headers[0])) as TomlTable;
    const defined = new Set<string>();
    for (let h = 0; h < headers.length; h += 2) {
      const start = headers[h];
      const end = headers[h + 1];
      const header = SECTION_HEADERS[text.slice(start, end)];
      if (header === undefined || !startsLine(text, start) || !endsLine(text, end)) return undefined;
      const bodyEnd = h + 2 < headers.length ? headers[h + 2] : text.length;
      const body = parseToml(text.slice(end, bodyEnd)) as TomlTable;
      const { key, isArray } = header;
      const seen = defined.has(key);
      if (!seen && Object.prototype.hasOwnProperty.call(doc, key)) return undefined; // a root key of that name
      if (isArray) {
        if (!seen) {
          doc[key] = [];
          defined.add(key);
          defined.add(`${key}[]`);
        } else if (!defined.has(`${key}[]`)) {
          return undefined; // [user] then [[user]]
        }
        (doc[key] as unknown[]).push(body);
      } else {
        if (seen) return undefined; // [user] twice, or after [[user]]
        doc[key] = body;
        defined.add(key);
      }
    }
    return doc;
  } catch {
    return undefined;
  }
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
