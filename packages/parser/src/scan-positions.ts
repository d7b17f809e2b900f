import { parseToml as parse } from './smol-toml';
import { NodeKind, NONE, PositionMap, ROOT } from './position-map';

// TOML 1.1 forms smol-toml accepts and TOML 1.0 (the node's reader) refuses.
const ESCAPE_E = '\\e is a TOML 1.1 escape, which the node does not read; write \\u001B instead.';
const ESCAPE_X = '\\xHH is a TOML 1.1 escape, which the node does not read; write \\u00HH instead.';
const INLINE_LINE_BREAK =
  'a line break inside an inline table is TOML 1.1, which the node does not read; keep an inline table on one line, or write a [table].';
const INLINE_COMMENT =
  'a comment inside an inline table is TOML 1.1, which the node does not read; keep an inline table on one line, or write a [table].';
const INLINE_TRAILING_COMMA =
  'a trailing comma in an inline table is TOML 1.1, which the node does not read; remove it.';
const TIME_WITHOUT_SECONDS = 'a time without seconds is TOML 1.1, which the node does not read; write HH:MM:SS.';

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34; // "
const HASH = 35; // #
const APOSTROPHE = 39; // '
const COMMA = 44;
const DOT = 46;
const EQUALS = 61;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BOM = 0xfeff;
const COLON = 58;
const LOWER_E = 101;
const LOWER_X = 120;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Maps every table, key and value of a TOML document to offsets. It is exact
 * on valid TOML and merely ends (never loops, never throws on purpose) on
 * anything else: smol-toml decides validity and stays the one reader of
 * values; this only says where they are written. One pass, no regular expressions, no
 * object per key (nodes are numbers in a PositionMap).
 */
export function scanPositions(text: string): PositionMap {
  // About one node per line, plus some for array items: sized once, so a big file is not copied as the map grows.
  const map = new PositionMap(text, countLines(text) * 1.25 + 64);
  new Scanner(text, map).run();
  return map;
}

function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** A map that only knows the whole document: used if scanning ever fails, so positions degrade, never break. */
export function coarsePositions(text: string): PositionMap {
  return new PositionMap(text);
}

class Scanner {
  private pos = 0;
  private readonly length: number;
  // The parts of the key being read, reused from key to key (no object per key).
  private readonly partStarts: number[] = [];
  private readonly partEnds: number[] = [];
  private readonly partNames: (string | undefined)[] = [];

  constructor(
    private readonly text: string,
    private readonly map: PositionMap,
  ) {
    this.length = text.length;
  }

  run(): void {
    const text = this.text;
    if (text.charCodeAt(0) === BOM) this.pos = 1;
    let table = ROOT;
    for (;;) {
      this.skipBlankAndComments();
      if (this.pos >= this.length) return;
      const before = this.pos;
      if (text.charCodeAt(this.pos) === OPEN_BRACKET) table = this.header();
      else this.keyValue(table);
      if (this.pos === before) this.pos++; // cannot happen on valid TOML; guarantees progress anyway
    }
  }

  /** `[a.b]` or `[[a.b]]`: returns the table that following keys belong to. */
  private header(): number {
    const text = this.text;
    const map = this.map;
    const start = this.pos;
    const isArray = text.charCodeAt(start + 1) === OPEN_BRACKET;
    this.pos += isArray ? 2 : 1;
    const count = this.dottedKey();
    this.skipSpaces();
    this.pos += isArray ? 2 : 1; // "]]" or "]"
    const end = this.pos;
    map.addHeader(start, end);
    let node = ROOT;
    for (let i = 0; i < count - 1; i++) {
      let next = this.findChild(node, i);
      if (next === NONE) next = this.addKey(NodeKind.Table, node, i, start, end);
      node = map.kind(next) === NodeKind.TableArray ? map.lastChild(next) : next;
      if (node === NONE) return ROOT;
    }
    const last = count - 1;
    const existing = this.findChild(node, last);
    if (isArray) {
      const array = existing !== NONE ? existing : this.addKey(NodeKind.TableArray, node, last, start, end);
      return map.add(NodeKind.Table, array, -1, -1, start, end);
    }
    if (existing !== NONE) {
      // Defined implicitly earlier (by `[a.b]` before `[a]`): the header is now its place.
      map.setValue(existing, start, end);
      return existing;
    }
    return this.addKey(NodeKind.Table, node, last, start, end);
  }

  /** `a.b.c = value` inside `table` (a header table, the root or an inline table). */
  private keyValue(table: number): void {
    const map = this.map;
    const start = this.pos;
    const count = this.dottedKey();
    this.skipSpaces();
    if (this.text.charCodeAt(this.pos) === EQUALS) this.pos++;
    this.skipSpaces();
    if (count === 1) {
      // The common case: one bare or quoted key, no implicit tables.
      this.value(this.addKey(NodeKind.Scalar, table, 0, this.pos, this.pos));
      return;
    }
    let node = table;
    let implicit: number[] | undefined;
    for (let i = 0; i < count - 1; i++) {
      let next = this.findChild(node, i);
      if (next === NONE) {
        next = this.addKey(NodeKind.Table, node, i, start, start);
        (implicit ??= []).push(next);
      }
      node = next;
    }
    const pair = this.addKey(NodeKind.Scalar, node, count - 1, this.pos, this.pos);
    this.value(pair);
    // A table made by a dotted key spans the whole line that made it.
    if (implicit !== undefined) for (const made of implicit) map.setValueEnd(made, this.pos);
  }

  /** Reads the value at `pos` into `node` (its kind, range and, for arrays and inline tables, its children). */
  private value(node: number): void {
    const text = this.text;
    const map = this.map;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (c === QUOTE || c === APOSTROPHE) {
      const triple = text.charCodeAt(start + 1) === c && text.charCodeAt(start + 2) === c;
      if (triple) {
        this.skipMultilineString(c);
        map.setKind(node, NodeKind.MultilineString);
      } else {
        map.setKind(node, this.skipString(c) ? NodeKind.PlainString : NodeKind.OtherString);
      }
    } else if (c === OPEN_BRACKET) {
      map.setKind(node, NodeKind.Array);
      this.pos++;
      for (;;) {
        this.skipBlankAndComments();
        if (this.pos >= this.length) break;
        const d = text.charCodeAt(this.pos);
        if (d === CLOSE_BRACKET) {
          this.pos++;
          break;
        }
        if (d === COMMA) {
          this.pos++;
          continue;
        }
        const before = this.pos;
        const item = map.add(NodeKind.Scalar, node, -1, -1, this.pos, this.pos);
        this.value(item);
        if (this.pos === before) this.pos++;
      }
    } else if (c === OPEN_BRACE) {
      map.setKind(node, NodeKind.InlineTable);
      this.pos++;
      let comma = -1; // the comma just read, if nothing but blanks has followed it
      for (;;) {
        this.skipBlanksInInlineTable();
        if (this.pos >= this.length) break;
        const d = text.charCodeAt(this.pos);
        if (d === CLOSE_BRACE) {
          if (comma !== -1) this.newer(comma, comma + 1, INLINE_TRAILING_COMMA);
          this.pos++;
          break;
        }
        if (d === COMMA) {
          comma = this.pos;
          this.pos++;
          continue;
        }
        comma = -1;
        const before = this.pos;
        this.keyValue(node);
        if (this.pos === before) this.pos++;
      }
    } else {
      // Numbers, booleans, dates (which may hold one space): up to a delimiter, trailing blanks trimmed.
      let i = start;
      for (; i < this.length; i++) {
        const d = text.charCodeAt(i);
        if (d === COMMA || d === CLOSE_BRACKET || d === CLOSE_BRACE || d === HASH || d === LF || d === CR) break;
      }
      let end = i;
      while (end > start && (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)) end--;
      this.pos = end;
      map.setKind(node, NodeKind.Scalar);
      this.checkTimeHasSeconds(start, end);
    }
    map.setValue(node, start, this.pos);
  }

  /** Skips a one-line string; true when it holds no escape (its raw text is its value). */
  private skipString(quote: number): boolean {
    const text = this.text;
    let i = this.pos + 1;
    let plain = true;
    if (quote === APOSTROPHE) {
      const close = text.indexOf("'", i);
      this.pos = close === -1 ? this.length : close + 1;
      return true;
    }
    for (; i < this.length; i++) {
      const d = text.charCodeAt(i);
      if (d === BACKSLASH) {
        plain = false;
        this.checkEscape(i);
        i++;
      } else if (d === QUOTE) {
        break;
      }
    }
    this.pos = Math.min(i + 1, this.length);
    return plain;
  }

  /** Notes a TOML 1.1 escape (`\e`, `\xHH`) at the backslash at `at`. */
  private checkEscape(at: number): void {
    const next = this.text.charCodeAt(at + 1);
    if (next === LOWER_E) this.newer(at, at + 2, ESCAPE_E);
    else if (next === LOWER_X) this.newer(at, Math.min(at + 4, this.length), ESCAPE_X);
  }

  /** Notes a time (or date-time) of a scalar value written without seconds (`07:32`). */
  private checkTimeHasSeconds(start: number, end: number): void {
    const text = this.text;
    // Only the scalar's own text: indexOf would search to the end of the file for every `true` (quadratic).
    let colon = start;
    while (colon < end && text.charCodeAt(colon) !== COLON) colon++;
    if (colon >= end) return;
    if (
      !isDigit(text.charCodeAt(colon - 1)) ||
      !isDigit(text.charCodeAt(colon + 1)) ||
      !isDigit(text.charCodeAt(colon + 2))
    )
      return;
    if (text.charCodeAt(colon + 3) !== COLON) this.newer(colon - 2, colon + 3, TIME_WITHOUT_SECONDS);
  }

  /** Blanks between the parts of an inline table; TOML 1.0 allows no line break or comment there. */
  private skipBlanksInInlineTable(): void {
    const text = this.text;
    const from = this.pos;
    this.skipBlankAndComments();
    for (let i = from; i < this.pos; i++) {
      const c = text.charCodeAt(i);
      if (c === HASH) {
        this.newer(i, i + 1, INLINE_COMMENT);
        return;
      }
      if (c === LF || c === CR) {
        this.newer(i, i, INLINE_LINE_BREAK); // at the end of the line, not spanning into the next
        return;
      }
    }
  }

  /** Records the first TOML 1.1-only form met. */
  private newer(start: number, end: number, reason: string): void {
    if (this.map.newerSyntax === undefined) this.map.newerSyntax = { range: { start, end }, reason };
  }

  private skipMultilineString(quote: number): void {
    const text = this.text;
    let i = this.pos + 3;
    for (; i < this.length; i++) {
      const d = text.charCodeAt(i);
      if (d === BACKSLASH && quote === QUOTE) {
        this.checkEscape(i);
        i++;
      } else if (d === quote && text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) {
        i += 3;
        // Up to two more quotes may close the string as content ("""a"""" ends with a quote).
        for (let extra = 0; extra < 2 && text.charCodeAt(i) === quote; extra++) i++;
        this.pos = i;
        return;
      }
    }
    this.pos = this.length;
  }

  /**
   * `a . "b" . 'c'`: reads the parts into the reused part buffers and returns
   * how many there are; quoted parts carry their decoded names.
   */
  private dottedKey(): number {
    const text = this.text;
    let count = 0;
    for (;;) {
      this.skipSpaces();
      const start = this.pos;
      const c = text.charCodeAt(start);
      let name: string | undefined;
      if (c === QUOTE || c === APOSTROPHE) {
        this.skipString(c);
        name = decodeQuotedKey(text.slice(start, this.pos));
      } else {
        let i = start;
        for (; i < this.length; i++) {
          const d = text.charCodeAt(i);
          if (
            d === SPACE ||
            d === TAB ||
            d === DOT ||
            d === EQUALS ||
            d === CLOSE_BRACKET ||
            d === LF ||
            d === CR ||
            d === HASH ||
            d === COMMA ||
            d === CLOSE_BRACE ||
            d === OPEN_BRACKET
          )
            break;
        }
        this.pos = i;
      }
      this.partStarts[count] = start;
      this.partEnds[count] = this.pos;
      this.partNames[count] = name;
      count++;
      this.skipSpaces();
      if (text.charCodeAt(this.pos) !== DOT || this.pos === start) return count;
      this.pos++;
    }
  }

  private findChild(parent: number, part: number): number {
    const name = this.partNames[part] ?? this.text.slice(this.partStarts[part], this.partEnds[part]);
    return this.map.child(parent, name);
  }

  private addKey(kind: NodeKind, parent: number, part: number, valueStart: number, valueEnd: number): number {
    const node = this.map.add(kind, parent, this.partStarts[part], this.partEnds[part], valueStart, valueEnd);
    const name = this.partNames[part];
    if (name !== undefined) this.map.setQuotedName(node, name);
    return node;
  }

  private skipSpaces(): void {
    const text = this.text;
    while (this.pos < this.length) {
      const c = text.charCodeAt(this.pos);
      if (c !== SPACE && c !== TAB) return;
      this.pos++;
    }
  }

  /** Spaces, newlines and comments. */
  private skipBlankAndComments(): void {
    const text = this.text;
    while (this.pos < this.length) {
      const c = text.charCodeAt(this.pos);
      if (c === SPACE || c === TAB || c === LF || c === CR) {
        this.pos++;
      } else if (c === HASH) {
        const eol = text.indexOf('\n', this.pos);
        this.pos = eol === -1 ? this.length : eol + 1;
      } else {
        return;
      }
    }
  }
}

/** A quoted key's name, decoded by smol-toml itself so escapes mean what they mean there. */
function decodeQuotedKey(raw: string): string {
  if (raw.charCodeAt(0) === APOSTROPHE) return raw.slice(1, -1);
  try {
    const value = parse(`k = ${raw}`).k;
    return typeof value === 'string' ? value : raw.slice(1, -1);
  } catch {
    return raw.slice(1, -1);
  }
}
