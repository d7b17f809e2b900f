type TomlTable = Record<string, unknown>;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;

/**
 * Reads one section body (the text after a `[[user]]` / `[[role]]` header)
 * when every line of it is in the plain subset of TOML that access files
 * are written in: blank lines, comments, and `key = value` with a bare key
 * and a value that is `true`, `false`, a basic string without escapes, or a
 * one-line array of such strings. Anything else (an escape, a literal or
 * multi-line string, a number, a dotted or quoted key, a repeated key, a
 * control character, a surrogate) returns undefined and the caller asks
 * smol-toml, which stays the authority on TOML: within the subset the two
 * agree exactly (a property test holds them to it), and the subset is where
 * a million-user file spends its time.
 */
export function readPlainSection(text: string, start: number, end: number): TomlTable | undefined {
  const table: TomlTable = {};
  let i = start;
  while (i < end) {
    i = skipBlanks(text, i, end);
    if (i >= end) break;
    let c = text.charCodeAt(i);
    if (c !== HASH && c !== LF && c !== CR) {
      const keyStart = i;
      while (i < end && isBareKeyChar(text.charCodeAt(i))) i++;
      if (i === keyStart) return undefined;
      const key = text.slice(keyStart, i);
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(table, key)) return undefined;
      i = skipBlanks(text, i, end);
      if (text.charCodeAt(i) !== EQUALS) return undefined;
      i = skipBlanks(text, i + 1, end);
      const value = readValue(text, i, end);
      if (value === undefined) return undefined;
      table[key] = value.value;
      i = skipBlanks(text, value.next, end);
      if (i >= end) break;
      c = text.charCodeAt(i);
    }
    if (c === HASH) {
      i = skipComment(text, i + 1, end);
      if (i < 0) return undefined;
      if (i >= end) break;
      c = text.charCodeAt(i);
    }
    if (c === CR) {
      if (text.charCodeAt(i + 1) !== LF || i + 1 >= end) return undefined;
      i += 2;
    } else if (c === LF) {
      i += 1;
    } else {
      return undefined;
    }
  }
  return table;
}

interface Read<T> {
  value: T;
  next: number;
}

function readValue(text: string, i: number, end: number): Read<unknown> | undefined {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return readString(text, i, end);
  if (c === OPEN_BRACKET) return readStringArray(text, i, end);
  if (text.startsWith('true', i) && i + 4 <= end && !isBareKeyChar(text.charCodeAt(i + 4)))
    return { value: true, next: i + 4 };
  if (text.startsWith('false', i) && i + 5 <= end && !isBareKeyChar(text.charCodeAt(i + 5)))
    return { value: false, next: i + 5 };
  return undefined;
}

/** A basic string with no escapes, control characters or surrogates; `"""` is left to smol-toml. */
function readString(text: string, i: number, end: number): Read<string> | undefined {
  const open = i;
  if (text.charCodeAt(open) !== QUOTE) return undefined;
  for (i = open + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (i === open + 1 && text.charCodeAt(i + 1) === QUOTE) return undefined; // `"""`: multi-line
      return { value: text.slice(open + 1, i), next: i + 1 };
    }
    if (c === BACKSLASH || isControl(c) || (c >= 0xd800 && c <= 0xdfff)) return undefined;
  }
  return undefined;
}

/** `[ "a", "b", ]` on one line. */
function readStringArray(text: string, i: number, end: number): Read<string[]> | undefined {
  const items: string[] = [];
  i = skipBlanks(text, i + 1, end);
  while (i < end) {
    if (text.charCodeAt(i) === CLOSE_BRACKET) return { value: items, next: i + 1 };
    const item = readString(text, i, end);
    if (item === undefined) return undefined;
    items.push(item.value);
    i = skipBlanks(text, item.next, end);
    const c = text.charCodeAt(i);
    if (c === COMMA) i = skipBlanks(text, i + 1, end);
    else if (c !== CLOSE_BRACKET) return undefined;
  }
  return undefined;
}

/** The offset of the line break ending a comment, or -1 when the comment holds a character TOML forbids there. */
function skipComment(text: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
    if (isControl(c) || (c >= 0xd800 && c <= 0xdfff)) return -1;
  }
  return i;
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return i;
}

/** Control characters TOML forbids in strings and comments (tab is allowed). */
function isControl(c: number): boolean {
  return (c < 0x20 && c !== TAB) || c === 0x7f;
}

function isBareKeyChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}
