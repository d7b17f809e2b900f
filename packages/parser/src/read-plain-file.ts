import { hasOuterWhiteSpace, trimEnd, trimStart } from './build-model';
import type { NameRef, RoleEntry } from './model';
import { ALLOW, DENY, NO_NAMES, ROLES, UserColumns } from './user-columns';

const TAB = 9;
const LF = 10;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;

/** What the plain-file reader read: the roles as the model's objects, the users as columns. */
export interface PlainFile {
  roles: RoleEntry[];
  users: UserColumns;
}

/** Keys of a `[[user]]` entry, as bits (a key written twice is left to the general path). */
const KEY_ID = 1;
const KEY_ROLES = 2;
const KEY_ALLOW = 4;
const KEY_DENY = 8;
const KEY_BARE = 16;

/**
 * Reads an access file that has nothing to report, in one pass over its
 * text, or declines (undefined) at the first thing it does not take: the
 * caller then reads the file the general way (position scanner, section
 * reader, schema checks, model builder), which reports every problem. So
 * every diagnostic, and every model of a file with any, still comes from the
 * general path; this one only makes the common case of a big file cheap.
 *
 * It takes: blank lines and comments; `[[user]]` and `[[role]]` headers at
 * the start of a line; in their bodies, the keys each may have, once each,
 * with the values the schema allows, written as one-line basic strings
 * without escapes or tabs, one-line arrays of them, `true` or `false`; line
 * feeds only. Within that it declines whatever the general path would report
 * on: a repeated or white-space-padded id, a role without an id, a default
 * user that is not the first user, an empty list item, `bare` as a string.
 * Its users (ranges, names, flags) equal the general path's: a property test
 * holds the two to it.
 */
export function readPlainFile(text: string): PlainFile | undefined {
  return new PlainFileReader(text).read();
}

class PlainFileReader {
  private pos = 0;
  private readonly end: number;
  private readonly users: UserColumns;
  private readonly roles: RoleEntry[] = [];
  private readonly roleIds = new Set<string>();
  private readonly names: NameTable;
  /** While a role's list is read: its items (a role's names are kept as the model's objects). */
  private roleItems: NameRef[] | undefined;

  constructor(private readonly text: string) {
    this.end = text.length;
    this.users = new UserColumns(text, countUserHeaders(text));
    this.names = new NameTable(text, this.users.names);
  }

  read(): PlainFile | undefined {
    const text = this.text;
    // Before the first header: blank lines and comments only.
    if (!this.skipBlankLines()) return undefined;
    if (this.pos >= this.end) return undefined; // no headers: the general path is as cheap
    for (;;) {
      if (text.charCodeAt(this.pos) !== OPEN_BRACKET) return undefined;
      const start = this.pos;
      let ok: boolean;
      if (text.startsWith('[[user]]', start)) {
        this.pos += 8;
        ok = this.endOfLine() && this.user(start);
      } else if (text.startsWith('[[role]]', start)) {
        this.pos += 8;
        ok = this.endOfLine() && this.role(start);
      } else return undefined;
      if (!ok) return undefined;
      if (this.pos >= this.end) return this.users.indexIds() ? { roles: this.roles, users: this.users } : undefined;
    }
  }

  /** One `[[user]]` body, up to the next header or the end of the text. */
  private user(headerStart: number): boolean {
    const text = this.text;
    const users = this.users;
    const index = users.count;
    users.addUser(headerStart);
    let keys = 0;
    let isDefault = true;
    for (;;) {
      if (!this.skipBlankLines()) return false;
      if (this.pos >= this.end || text.charCodeAt(this.pos) === OPEN_BRACKET) break;
      const key = this.key(USER_KEYS);
      if (key === 0 || (keys & key) !== 0) return false;
      keys |= key;
      if (key === KEY_ID) {
        const start = this.pos;
        if (!this.string()) return false;
        const end = this.pos;
        isDefault = end - start === 2;
        if (isDefault) {
          users.setId(start, end, true);
        } else {
          if (hasOuterWhiteSpace(text.slice(start + 1, end - 1))) return false;
          users.setId(start, end, false); // a repeated id is found once all are read (indexIds)
        }
      } else if (key === KEY_BARE) {
        const start = this.pos;
        if (text.startsWith('true', start)) this.pos += 4;
        else if (text.startsWith('false', start)) this.pos += 5;
        else return false;
        if (isBareKeyChar(text.charCodeAt(this.pos))) return false;
        users.setBare(this.pos - start === 4, start);
      } else {
        const list = key === KEY_ROLES ? ROLES : key === KEY_ALLOW ? ALLOW : DENY;
        users.openList(list);
        if (!this.nameList()) return false;
        users.closeList(list);
      }
      if (!this.endOfLine()) return false;
    }
    if ((keys & KEY_ID) === 0) users.setDefault();
    // Only the first user may be the default one (a second one is also a duplicate).
    return !isDefault || index === 0;
  }

  /** One `[[role]]` body. */
  private role(headerStart: number): boolean {
    const text = this.text;
    const range = { start: headerStart, end: headerStart + 8 };
    let idRange: { start: number; end: number } | undefined;
    let allow: NameRef[] = NO_NAMES;
    let keys = 0;
    for (;;) {
      if (!this.skipBlankLines()) return false;
      if (this.pos >= this.end || text.charCodeAt(this.pos) === OPEN_BRACKET) break;
      const key = this.key(ROLE_KEYS);
      if (key === 0 || (keys & key) !== 0) return false;
      keys |= key;
      if (key === KEY_ID) {
        const start = this.pos;
        if (!this.string() || this.pos - start === 2) return false;
        idRange = { start, end: this.pos };
      } else {
        allow = this.roleItems = [];
        const ok = this.nameList();
        this.roleItems = undefined;
        if (!ok) return false;
      }
      if (!this.endOfLine()) return false;
    }
    if (idRange === undefined) return false;
    const id = text.slice(idRange.start + 1, idRange.end - 1);
    if (hasOuterWhiteSpace(id) || this.roleIds.has(id)) return false;
    this.roleIds.add(id);
    this.roles.push({ index: this.roles.length, id, idRange, range, allow });
    return true;
  }

  /** A bare key, blanks, `=`, blanks: the key's bit among `known` (0 for any other key). */
  private key(known: readonly KnownKey[]): number {
    const text = this.text;
    const start = this.pos;
    while (this.pos < this.end && isBareKeyChar(text.charCodeAt(this.pos))) this.pos++;
    let bit = 0;
    for (const [name, keyBit] of known)
      if (name.length === this.pos - start && text.startsWith(name, start)) {
        bit = keyBit;
        break;
      }
    if (bit === 0) return 0;
    this.skipBlanks();
    if (text.charCodeAt(this.pos) !== EQUALS) return 0;
    this.pos++;
    this.skipBlanks();
    return bit;
  }

  /** A comma-separated string or a one-line array of strings; items interned and added to the users' item list. */
  private nameList(): boolean {
    const text = this.text;
    if (text.charCodeAt(this.pos) === QUOTE) {
      const start = this.pos;
      if (!this.string()) return false;
      return this.commaList(start + 1, this.pos - 1);
    }
    if (text.charCodeAt(this.pos) !== OPEN_BRACKET) return false;
    this.pos++;
    this.skipBlanks();
    for (;;) {
      if (this.pos >= this.end) return false;
      if (text.charCodeAt(this.pos) === CLOSE_BRACKET) {
        this.pos++;
        return true;
      }
      const start = this.pos;
      if (!this.string()) return false;
      const from = trimStart(text, start + 1, this.pos - 1);
      const to = trimEnd(text, from, this.pos - 1);
      if (from === to) return false; // an empty item: the general path warns
      this.addItem(from, to);
      this.skipBlanks();
      const c = text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.skipBlanks();
      } else if (c !== CLOSE_BRACKET) return false;
    }
  }

  /** "a, b": each item trimmed; an empty item declines; a string of blanks is an empty list. */
  private commaList(start: number, end: number): boolean {
    const text = this.text;
    if (trimStart(text, start, end) === end) return true;
    let from = start;
    for (;;) {
      let comma = text.indexOf(',', from);
      if (comma === -1 || comma > end) comma = end;
      const itemStart = trimStart(text, from, comma);
      const itemEnd = trimEnd(text, itemStart, comma);
      if (itemStart === itemEnd) return false;
      this.addItem(itemStart, itemEnd);
      if (comma === end) return true;
      from = comma + 1;
    }
  }

  private addItem(start: number, end: number): void {
    if (this.roleItems !== undefined) this.roleItems.push({ name: this.text.slice(start, end), range: { start, end } });
    else this.users.addItem(this.names.intern(start, end), start);
  }

  /** A one-line basic string without escapes, tabs, control characters or surrogates; `pos` after its closing quote. */
  private string(): boolean {
    const text = this.text;
    if (text.charCodeAt(this.pos) !== QUOTE) return false;
    const open = this.pos;
    for (let i = open + 1; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        if (i === open + 1 && text.charCodeAt(i + 1) === QUOTE) return false; // `"""`: multi-line
        this.pos = i + 1;
        return true;
      }
      if (c === BACKSLASH || c < 0x20 || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) return false;
    }
    return false;
  }

  /** Blanks, then a comment, a line feed or the end of the text; `pos` at the start of the next line. */
  private endOfLine(): boolean {
    this.skipBlanks();
    if (this.pos >= this.end) return true;
    const c = this.text.charCodeAt(this.pos);
    if (c === HASH) return this.comment();
    if (c !== LF) return false;
    this.pos++;
    return true;
  }

  /** Lines of blanks and comments; `pos` at the first character of the next other line (or the end). */
  private skipBlankLines(): boolean {
    const text = this.text;
    for (;;) {
      const lineStart = this.pos;
      this.skipBlanks();
      if (this.pos >= this.end) return true;
      const c = text.charCodeAt(this.pos);
      if (c === LF) this.pos++;
      else if (c === HASH) {
        if (!this.comment()) return false;
      } else {
        // A header must start its line (indented ones are left to the general path); keys may be indented.
        return c !== OPEN_BRACKET || this.pos === lineStart;
      }
    }
  }

  /** A comment from `#` to the end of its line, which it consumes; false on a character TOML forbids there. */
  private comment(): boolean {
    const text = this.text;
    for (let i = this.pos + 1; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) {
        this.pos = i + 1;
        return true;
      }
      if ((c < 0x20 && c !== TAB) || c === 0x7f || (c >= 0xd800 && c <= 0xdfff)) return false;
    }
    this.pos = this.end;
    return true;
  }

  private skipBlanks(): void {
    const text = this.text;
    while (this.pos < this.end) {
      const c = text.charCodeAt(this.pos);
      if (c !== SPACE && c !== TAB) return;
      this.pos++;
    }
  }
}

type KnownKey = readonly [name: string, bit: number];

const USER_KEYS: readonly KnownKey[] = [
  ['id', KEY_ID],
  ['roles', KEY_ROLES],
  ['allow', KEY_ALLOW],
  ['deny', KEY_DENY],
  ['bare', KEY_BARE],
];

const ROLE_KEYS: readonly KnownKey[] = [
  ['id', KEY_ID],
  ['allow', KEY_ALLOW],
];

/** The `[[user]]` in the text: a guess of the users to come, so that no column is copied as it grows. */
function countUserHeaders(text: string): number {
  let count = 0;
  for (let at = text.indexOf('[[user]]'); at !== -1; at = text.indexOf('[[user]]', at + 8)) count++;
  return count;
}

function isBareKeyChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}

/** FNV-1a over the UTF-16 code units of text[start, end). */
function hashOf(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/**
 * Open addressing over 32-bit hashes with linear probing: slots hold a number + 1 (0 is empty).
 * The names in lists are interned through it without making a string per item.
 */
class HashSlots {
  hashes: Int32Array;
  values: Int32Array;
  mask: number;
  count = 0;

  /** Room for `expected` values before the first growth. */
  constructor(expected = 512) {
    let size = 1024;
    while (size < expected * 2 + 2) size *= 2;
    this.hashes = new Int32Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  first(hash: number): number {
    return (hash ^ (hash >>> 16)) & this.mask;
  }

  insert(at: number, hash: number, value: number): void {
    this.hashes[at] = hash;
    this.values[at] = value + 1;
    if (++this.count * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const { hashes, values } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.values = new Int32Array(values.length * 2);
    this.mask = this.hashes.length - 1;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === 0) continue;
      let at = this.first(hashes[i]);
      while (this.values[at] !== 0) at = (at + 1) & this.mask;
      this.hashes[at] = hashes[i];
      this.values[at] = values[i];
    }
  }
}

/** The distinct names written in lists: an index per name, found from its place in the text. */
class NameTable {
  private readonly slots = new HashSlots();

  constructor(
    private readonly text: string,
    private readonly names: string[],
  ) {}

  intern(start: number, end: number): number {
    const text = this.text;
    const slots = this.slots;
    const hash = hashOf(text, start, end);
    let at = slots.first(hash);
    for (; slots.values[at] !== 0; at = (at + 1) & slots.mask) {
      if (slots.hashes[at] !== hash) continue;
      const index = slots.values[at] - 1;
      const name = this.names[index];
      if (name.length === end - start && text.startsWith(name, start)) return index;
    }
    const index = this.names.length;
    this.names.push(text.slice(start, end));
    slots.insert(at, hash, index);
    return index;
  }
}
