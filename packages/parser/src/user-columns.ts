import type { SourceRange } from './diagnostic';
import type { NameRef, UserEntry } from './model';

/** User flag: the default user (no `id`, or `id = ""`). */
const USER_DEFAULT = 1;
/** User flag: `bare = true`. */
const USER_BARE = 2;
/** User flag: `id` is written (else the id is "" and its range is the header's). */
const USER_HAS_ID = 4;
/** User flag: `bare` is written. */
const USER_HAS_BARE = 8;
/** User flags: `roles`, `allow`, `deny` written (a list not written is the shared empty one). */
const USER_HAS_LIST = [16, 32, 64];

/** The three lists of a user: the `list` argument of UserColumns' listStart and listEnd. */
export const ROLES = 0;
export const ALLOW = 1;
export const DENY = 2;
export const USER_LIST = Object.freeze({ roles: ROLES, allow: ALLOW, deny: DENY });
/** The public bits of UserColumns' `flags`. */
export const USER_FLAG = Object.freeze({ default: USER_DEFAULT, bare: USER_BARE });

/**
 * The users of an access file as columns of numbers, for files read by the
 * plain-file reader: what `compile` reads, so a million users cost a few
 * typed arrays instead of millions of small objects. Names written in lists
 * are interned (`names`); ids stay in the source text until asked for.
 * `materialize()` gives the same `UserEntry` objects as the general path.
 */
export class UserColumns {
  /** Users read, in file order. */
  count = 0;
  /** The distinct names written in `roles`, `allow` and `deny` lists. */
  readonly names: string[] = [];
  /** Per user: USER_FLAG's bits (and private ones). */
  flags: Uint8Array;
  /** User u's list k (USER_LIST's ROLES, ALLOW, DENY) is items [lists[6u + 2k], lists[6u + 2k + 1]). */
  lists: Int32Array;
  /** Item i: its name's index in `names`. */
  itemNames: Int32Array;
  /** Item i: the offset of its name in the text (the name's length gives its end). */
  private itemStarts: Int32Array;
  private itemCount = 0;
  /** Per user, 4 offsets: the header `[[user]]`, the id's value (its opening quote), after the id's closing quote, `bare`'s value. */
  private places: Int32Array;

  /**
   * Every id → its user's slot: the order in which a compiled policy keeps its users. The
   * default user's id "" has slot 0 whether it is written or not (an implicit default user);
   * the other users follow in file order. Each id is a flat string of its own (ownIds), so this
   * Map is what `compile` keeps as the policy's credentials Map, not a second one: read-only.
   * Filled by indexIds().
   */
  ids: ReadonlyMap<string, number> = new Map();

  /** `expectedUsers`: a good guess saves copies as the columns grow. */
  constructor(
    private readonly text: string,
    expectedUsers = 1024,
  ) {
    const users = Math.max(16, expectedUsers);
    this.flags = new Uint8Array(users);
    this.lists = new Int32Array(6 * users);
    this.places = new Int32Array(4 * users);
    this.itemNames = new Int32Array(4 * users);
    this.itemStarts = new Int32Array(4 * users);
  }

  /** Starts user `count` at the header `[[user]]` at `headerStart`. */
  addUser(headerStart: number): void {
    const u = this.count++;
    if (u >= this.flags.length) this.grow();
    this.flags[u] = 0;
    this.places[u * 4] = headerStart;
    // Every list empty until read (six stores: a fill() call per user costs several times more).
    const lists = this.lists;
    const at = u * 6;
    const items = this.itemCount;
    lists[at] = lists[at + 1] = lists[at + 2] = lists[at + 3] = lists[at + 4] = lists[at + 5] = items;
  }

  /** The id's value is text[start, end), quotes included. */
  setId(start: number, end: number, isDefault: boolean): void {
    const u = this.count - 1;
    this.flags[u] |= USER_HAS_ID | (isDefault ? USER_DEFAULT : 0);
    this.places[u * 4 + 1] = start;
    this.places[u * 4 + 2] = end;
  }

  setDefault(): void {
    this.flags[this.count - 1] |= USER_DEFAULT;
  }

  /** `bare = true` or `bare = false`, its value at `start`. */
  setBare(value: boolean, start: number): void {
    const u = this.count - 1;
    this.flags[u] |= USER_HAS_BARE | (value ? USER_BARE : 0);
    this.places[u * 4 + 3] = start;
  }

  /** Marks list `list` of the current user as written; its items follow with addItem, then closeList. */
  openList(list: number): void {
    const u = this.count - 1;
    this.flags[u] |= USER_HAS_LIST[list];
    this.lists[u * 6 + 2 * list] = this.itemCount;
  }

  /** An item of the open list: names[name], written at `start`. */
  addItem(name: number, start: number): void {
    const i = this.itemCount++;
    if (i >= this.itemNames.length) this.growItems();
    this.itemNames[i] = name;
    this.itemStarts[i] = start;
  }

  closeList(list: number): void {
    this.lists[(this.count - 1) * 6 + 2 * list + 1] = this.itemCount;
  }

  /** The first item of user u's list. */
  listStart(u: number, list: number): number {
    return this.lists[u * 6 + 2 * list];
  }

  /** After the last item of user u's list. */
  listEnd(u: number, list: number): number {
    return this.lists[u * 6 + 2 * list + 1];
  }

  /**
   * The ids of users [from, to) ("" for the default user), each a flat string of its own, not a
   * slice of the source text (which a kept slice would keep alive): one JSON.parse of the ids'
   * quoted text, which is exact because the reader takes only strings without escapes, control
   * characters or tabs.
   */
  ownIds(from: number, to: number): string[] {
    const parts: string[] = [];
    const places = this.places;
    for (let u = from; u < to; u++) {
      const at = u * 4;
      parts.push((this.flags[u] & USER_HAS_ID) !== 0 ? this.text.slice(places[at + 1], places[at + 2]) : '""');
    }
    return JSON.parse(`[${parts.join(',')}]`) as string[];
  }

  /** Whether user u is the default user. */
  isDefault(u: number): boolean {
    return (this.flags[u] & USER_DEFAULT) !== 0;
  }

  /** Fills `ids`; false (and `ids` incomplete) when two users have the same id. */
  indexIds(): boolean {
    const count = this.count;
    const ids = new Map<string, number>();
    ids.set('', 0);
    const hasDefault = count > 0 && this.isDefault(0);
    const shift = hasDefault ? 0 : 1;
    for (let from = shift === 0 ? 1 : 0; from < count; from += ID_BATCH) {
      const to = Math.min(count, from + ID_BATCH);
      const own = this.ownIds(from, to);
      for (let i = 0; i < own.length; i++) ids.set(own[i], from + i + shift);
      if (ids.size !== to + shift) return false; // a repeated id (or the default user's "" again)
    }
    this.ids = ids;
    return true;
  }

  /** The users as the model's objects, exactly as the general path builds them. */
  materialize(): UserEntry[] {
    const users: UserEntry[] = [];
    for (let u = 0; u < this.count; u++) users.push(this.user(u));
    return users;
  }

  /**
   * User u as the model's object (the same as materialize()'s u-th, a new one each call): for a
   * reader that needs a few users' ranges, such as a rule reporting on them, without the others.
   */
  user(u: number): UserEntry {
    const { places, flags } = this;
    const at = u * 4;
    const f = flags[u];
    const range: SourceRange = { start: places[at], end: places[at] + HEADER_LENGTH };
    const hasId = (f & USER_HAS_ID) !== 0;
    const user: UserEntry = {
      index: u,
      id: this.idOf(u),
      isDefault: (f & USER_DEFAULT) !== 0,
      idRange: hasId ? { start: places[at + 1], end: places[at + 2] } : range,
      range,
      roles: this.list(u, ROLES),
      allow: this.list(u, ALLOW),
      deny: this.list(u, DENY),
      bare: false,
    };
    if ((f & USER_HAS_BARE) !== 0) {
      const bare = (f & USER_BARE) !== 0;
      user.bareRange = { start: places[at + 3], end: places[at + 3] + (bare ? 4 : 5) };
      user.bare = bare;
    }
    return user;
  }

  /**
   * User u's id ("" when it has none), as the model's `id`: the text between its quotes, which is
   * the value itself (the reader takes no escapes). A slice of the source text: read it, do not keep it.
   */
  idOf(u: number): string {
    const at = u * 4;
    return (this.flags[u] & USER_HAS_ID) !== 0 ? this.text.slice(this.places[at + 1] + 1, this.places[at + 2] - 1) : '';
  }

  /** The user whose slot in `ids` is `slot`, or -1 for slot 0 of a file without a default user (its implicit one). */
  userOfSlot(slot: number): number {
    return this.count > 0 && this.isDefault(0) ? slot : slot - 1;
  }

  private list(u: number, list: number): NameRef[] {
    if ((this.flags[u] & USER_HAS_LIST[list]) === 0) return NO_NAMES;
    const out: NameRef[] = [];
    for (let i = this.listStart(u, list); i < this.listEnd(u, list); i++) {
      const name = this.names[this.itemNames[i]];
      const start = this.itemStarts[i];
      out.push({ name, range: { start, end: start + name.length } });
    }
    return out;
  }

  private grow(): void {
    const users = this.flags.length * 2;
    this.flags = grown(this.flags, users);
    this.places = grown(this.places, users * 4);
    this.lists = grown(this.lists, users * 6);
  }

  private growItems(): void {
    this.itemNames = grown(this.itemNames, this.itemNames.length * 2);
    this.itemStarts = grown(this.itemStarts, this.itemStarts.length * 2);
  }
}

/** Ids copied (ownIds) in one JSON.parse: large enough to amortize it, small enough to keep its text small. */
const ID_BATCH = 2048;

/** `[[user]]`: the only header the plain-file reader takes for a user. */
const HEADER_LENGTH = 8;

function grown<T extends Uint8Array | Int32Array>(array: T, length: number): T {
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array);
  return copy;
}

/**
 * The list of an entry that has none. Shared, so a million users without a
 * `deny` cost no million empty arrays; frozen, because the model is read-only.
 */
export const NO_NAMES: NameRef[] = Object.freeze([]) as unknown as NameRef[];
