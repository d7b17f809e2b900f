import type { SourceRange } from './diagnostic';
import type { NameRef, RoleEntry, UserEntry } from './model';
import { NodeKind, NONE, type PositionMap, ROOT } from './position-map';
import type { Reporter } from './report';
import { NO_NAMES } from './user-columns';

/** The scanned nodes of one entry's known keys, found in one walk over its keys (reused from entry to entry). */
interface KeyNodes {
  id: number;
  roles: number;
  allow: number;
  deny: number;
  bare: number;
}

/**
 * Builds the typed model from smol-toml's values (authoritative) and the
 * scanner's positions. Structure errors were already reported from the
 * schema; here a malformed entry or value is skipped, and the rules no schema
 * can state are checked: duplicates, default-user order, comma-list items,
 * `bare` strings, white space around ids.
 */
export class ModelBuilder {
  readonly roles: RoleEntry[] = [];
  readonly users: UserEntry[] = [];
  private readonly roleIds = new Map<string, RoleEntry>();
  private readonly userIds = new Map<string, UserEntry>();
  private readonly keys: KeyNodes = { id: NONE, roles: NONE, allow: NONE, deny: NONE, bare: NONE };

  constructor(
    private readonly map: PositionMap,
    private readonly reporter: Reporter,
  ) {}

  /** Adds every role and user of a whole document, in file order. */
  addDocument(doc: Record<string, unknown>): void {
    this.forEachEntry(doc, 'role', (value, node, index) => this.addRole(value, node, index));
    this.forEachEntry(doc, 'user', (value, node, index) => this.addUser(value, node, index));
  }

  /** Adds one role entry: `value` from smol-toml, `node` its scanned table, `index` its position among the roles. */
  addRole(value: Record<string, unknown>, node: number, index: number): void {
    const id = value.id;
    if (typeof id !== 'string') return; // missing-role-id or invalid-type, already reported
    const keys = this.findKeys(node);
    const idNode = keys.id;
    if (this.isMultiline(idNode)) {
      this.reporter.error('multiline-string', 'multilineRoleId', MULTILINE_ROLE_ID, this.map.valueRange(idNode));
      return;
    }
    if (id === '') return; // missing-role-id, already reported
    const range = this.map.valueRange(node);
    const idRange = idNode === NONE ? range : this.map.valueRange(idNode);
    const first = this.roleIds.get(id);
    if (first !== undefined) {
      this.reporter.error(
        'duplicate-role',
        'duplicateRole',
        `Role "${id}" is already defined on line ${this.reporter.lineOf(first.idRange.start)}.`,
        idRange,
      );
      return;
    }
    if (hasOuterWhiteSpace(id)) {
      this.reporter.warning(
        'id-whitespace',
        'roleIdWhitespace',
        `Role id "${id}" has leading or trailing white space; ids are never trimmed, so "roles" lists cannot name it.`,
        idRange,
      );
    }
    const role: RoleEntry = { index, id, idRange, range, allow: this.names(value, node, keys.allow, 'allow') };
    this.roleIds.set(id, role);
    this.roles.push(role);
  }

  /** Adds one user entry: `value` from smol-toml, `node` its scanned table, `index` its position among the users. */
  addUser(value: Record<string, unknown>, node: number, index: number): void {
    const rawId = value.id;
    if (rawId !== undefined && typeof rawId !== 'string') return; // invalid-type, already reported
    const id = rawId ?? '';
    const keys = this.findKeys(node);
    const idNode = keys.id;
    if (this.isMultiline(idNode)) {
      // Left out, as an id of the wrong type is: never read as some other user (the default one, say).
      this.reporter.error('multiline-string', 'multilineUserId', MULTILINE_USER_ID, this.map.valueRange(idNode));
      return;
    }
    const range = this.map.valueRange(node);
    const idRange = idNode === NONE ? range : this.map.valueRange(idNode);
    const isDefault = id === '';
    const first = this.userIds.get(id);
    if (first !== undefined) {
      // The id itself is a secret: messages point at lines, never print it.
      const line = this.reporter.lineOf(first.idRange.start);
      if (isDefault) {
        this.reporter.error(
          'duplicate-user',
          'duplicateDefaultUser',
          `A second default user (no id, or id = ""); the default user is already defined on line ${line}.`,
          idRange,
        );
      } else {
        this.reporter.error(
          'duplicate-user',
          'duplicateUser',
          `This user id is already used by the user on line ${line}.`,
          idRange,
        );
      }
      return;
    }
    if (isDefault && index > 0) {
      this.reporter.error(
        'default-user-order',
        'defaultUserOrder',
        'The default user (no id, or id = "") must be the first [[user]] entry.',
        idRange,
      );
    }
    if (hasOuterWhiteSpace(id)) {
      this.reporter.warning(
        'id-whitespace',
        'userIdWhitespace',
        'This user id has leading or trailing white space; ids are compared exactly and never trimmed.',
        idRange,
      );
    }
    const user: UserEntry = {
      index,
      id,
      isDefault,
      idRange,
      range,
      roles: this.names(value, node, keys.roles, 'roles'),
      allow: this.names(value, node, keys.allow, 'allow'),
      deny: this.names(value, node, keys.deny, 'deny'),
      bare: false,
    };
    if (value.bare !== undefined) this.readBare(user, value.bare, keys.bare);
    this.userIds.set(id, user);
    this.users.push(user);
  }

  /** Whether a scanned value is a multi-line string (`"""…"""`, `'''…'''`). */
  private isMultiline(node: number): boolean {
    return node !== NONE && this.map.kind(node) === NodeKind.MultilineString;
  }

  /** One walk over an entry's keys; lookups by name would walk them once per key. */
  private findKeys(node: number): KeyNodes {
    const map = this.map;
    const keys = this.keys;
    keys.id = keys.roles = keys.allow = keys.deny = keys.bare = NONE;
    for (let child = map.firstChild(node); child !== NONE; child = map.nextSibling(child)) {
      if (map.keyIs(child, 'id')) keys.id = child;
      else if (map.keyIs(child, 'roles')) keys.roles = child;
      else if (map.keyIs(child, 'allow')) keys.allow = child;
      else if (map.keyIs(child, 'deny')) keys.deny = child;
      else if (map.keyIs(child, 'bare')) keys.bare = child;
    }
    return keys;
  }

  private readBare(user: UserEntry, bare: unknown, bareNode: number): void {
    const range = bareNode === NONE ? user.range : this.map.valueRange(bareNode);
    user.bareRange = range;
    if (typeof bare === 'boolean') {
      user.bare = bare;
    } else if (bare === 'true' || bare === 'false') {
      user.bare = bare === 'true';
      this.reporter.warning(
        'bare-string',
        'bareString',
        `"bare" is a string; write bare = ${bare} without quotes.`,
        range,
      );
    }
    // Any other value is an invalid-type error (from the schema); the file is refused, bare stays false.
  }

  /** Calls `visit` for each role or user entry, in file order, in either form (array of tables or single table). */
  private forEachEntry(
    doc: Record<string, unknown>,
    key: 'role' | 'user',
    visit: (value: Record<string, unknown>, node: number, index: number) => void,
  ): void {
    const value = Object.prototype.hasOwnProperty.call(doc, key) ? doc[key] : undefined;
    const node = this.map.child(ROOT, key);
    if (Array.isArray(value)) {
      // The scanner's entries are in the same order as smol-toml's; walk them side by side.
      let child = node === NONE ? NONE : this.map.firstChild(node);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (isTable(item)) visit(item, child !== NONE ? child : node === NONE ? ROOT : node, i);
        if (child !== NONE) child = this.map.nextSibling(child);
      }
    } else if (isTable(value)) {
      visit(value, node === NONE ? ROOT : node, 0);
    }
  }

  /** A permission or role list, in either form, with each item's own range. `node` is the key's scanned node. */
  private names(entry: Record<string, unknown>, entryNode: number, node: number, key: string): NameRef[] {
    const value = Object.prototype.hasOwnProperty.call(entry, key) ? entry[key] : undefined;
    if (value === undefined) return NO_NAMES;
    const map = this.map;
    // Where an item cannot be placed exactly: the whole value (or, failing that, the entry).
    const place = node === NONE ? entryNode : node;
    if (typeof value === 'string') {
      if (this.isMultiline(node)) {
        this.reporter.error('multiline-string', 'multilineList', multilineList(key), map.valueRange(node));
        return NO_NAMES;
      }
      // Offsets inside the literal are exact only when its raw text is its value (no escapes, one line).
      const start = map.valueStart(place);
      const exact =
        node !== NONE && map.kind(node) === NodeKind.PlainString && map.valueEnd(node) - start - 2 === value.length;
      return this.splitCommaList(value, exact ? start + 1 : -1, place, key);
    }
    if (!Array.isArray(value)) return NO_NAMES; // invalid-type, already reported
    const out: NameRef[] = [];
    // The scanner's items are in smol-toml's order: walk both side by side.
    let itemNode = node !== NONE && map.kind(node) === NodeKind.Array ? map.firstChild(node) : NONE;
    for (let i = 0; i < value.length; i++, itemNode = itemNode === NONE ? NONE : map.nextSibling(itemNode)) {
      const item: unknown = value[i];
      if (typeof item !== 'string') continue; // invalid-type, already reported
      if (this.isMultiline(itemNode)) {
        this.reporter.error('multiline-string', 'multilineItem', multilineItem(key, i), map.valueRange(itemNode));
        continue;
      }
      const at = itemNode === NONE ? place : itemNode;
      const start = trimStart(item, 0, item.length);
      const end = trimEnd(item, start, item.length);
      if (start === end) {
        this.reporter.warning('empty-item', 'emptyItem', `Empty item in "${key}" is ignored.`, map.valueRange(at));
        continue;
      }
      const itemStart = map.valueStart(at);
      const exact =
        itemNode !== NONE &&
        map.kind(itemNode) === NodeKind.PlainString &&
        map.valueEnd(itemNode) - itemStart - 2 === item.length;
      const range = exact ? { start: itemStart + 1 + start, end: itemStart + 1 + end } : map.valueRange(at);
      out.push({ name: start === 0 && end === item.length ? item : item.slice(start, end), range });
    }
    return out;
  }

  /** Splits "a, b,, c": items trimmed, empty items warned about and dropped. `base` < 0: no exact offsets, items get `place`'s range. */
  private splitCommaList(value: string, base: number, place: number, key: string): NameRef[] {
    const out: NameRef[] = [];
    if (trimStart(value, 0, value.length) === value.length) return out; // "" or blanks: an empty list, said plainly
    let from = 0;
    for (;;) {
      const comma = value.indexOf(',', from);
      const to = comma === -1 ? value.length : comma;
      const start = trimStart(value, from, to);
      const end = trimEnd(value, start, to);
      if (start === end) {
        let range: SourceRange;
        if (base < 0) range = this.map.valueRange(place);
        // An empty item: its blanks, or the comma that closes (or opens) it when there are none.
        else if (to > from) range = { start: base + from, end: base + to };
        else if (comma !== -1) range = { start: base + comma, end: base + comma + 1 };
        else range = { start: base + from - 1, end: base + from };
        this.reporter.warning('empty-item', 'emptyItem', `Empty item in "${key}" is ignored.`, range);
      } else {
        out.push({
          name: value.slice(start, end),
          range: base >= 0 ? { start: base + start, end: base + end } : this.map.valueRange(place),
        });
      }
      if (comma === -1) return out;
      from = comma + 1;
    }
  }
}

// Ids and names are written on one line. A multi-line string is where TOML
// readers disagree (smol-toml 1.9 drops the quotes before a closing """ that
// follows a line-ending backslash, so `"""\⏎"""""` reads as "" instead of two
// quotes: the default user); no id or name needs one.
const MULTILINE_USER_ID =
  'This user id is a multi-line string; ids are credentials and are written as one-line strings ("…" or \'…\').';
const MULTILINE_ROLE_ID = 'This role id is a multi-line string; ids are written as one-line strings ("…" or \'…\').';

function multilineList(key: string): string {
  return `"${key}" is a multi-line string; write it as a one-line string, or as an array of one-line strings (which may span lines).`;
}

function multilineItem(key: string, index: number): string {
  return `Item ${index + 1} of "${key}" is a multi-line string; names are written as one-line strings.`;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** The white space String.prototype.trim removes. */
function isTrimmable(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

export function trimStart(text: string, from: number, to: number): number {
  while (from < to && isTrimmable(text.charCodeAt(from))) from++;
  return from;
}

export function trimEnd(text: string, from: number, to: number): number {
  while (to > from && isTrimmable(text.charCodeAt(to - 1))) to--;
  return to;
}

export function hasOuterWhiteSpace(id: string): boolean {
  return id.length > 0 && (isTrimmable(id.charCodeAt(0)) || isTrimmable(id.charCodeAt(id.length - 1)));
}
