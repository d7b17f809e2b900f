import type { SourceRange } from './diagnostic';

/** What a scanned node holds. */
export enum NodeKind {
  /** The root, a `[header]` table, or a table made implicitly by a dotted key or header. */
  Table = 1,
  /** The array made by `[[header]]` entries; its children are the entries' tables. */
  TableArray = 2,
  InlineTable = 3,
  Array = 4,
  /** A one-line string whose raw text equals its value: offsets inside it are exact. */
  PlainString = 5,
  /** A one-line string with escapes: offsets inside it are approximate. */
  OtherString = 6,
  /** Number, boolean, date. */
  Scalar = 7,
  /** A multi-line string (`"""…"""` or `'''…'''`): offsets inside it are approximate. */
  MultilineString = 8,
}

// Nodes live in one Int32Array, STRIDE numbers each, so a million-user file
// costs a few flat buffers rather than millions of small objects.
const STRIDE = 8;
const KIND = 0;
const FIRST_CHILD = 1;
const LAST_CHILD = 2;
const NEXT_SIBLING = 3;
const KEY_START = 4;
const KEY_END = 5;
const VALUE_START = 6;
const VALUE_END = 7;

/** A TOML 1.1-only form in the text: where, and what it is (a clause for a message). */
export interface NewerSyntax {
  range: SourceRange;
  reason: string;
}

/** Items of an array up to this index are found by walking its children; farther ones through an index. */
const NEAR_ITEMS = 16;

/** The node id of the document's root table. */
export const ROOT = 0;
/** "No such node". */
export const NONE = -1;

/**
 * Where each table, key and value of a TOML document is written: a tree of
 * offsets, built by the position scanner, read by JSON pointer or by key.
 * Nodes are numbers; ranges are made only when asked for.
 */
export class PositionMap {
  readonly text: string;
  private data: Int32Array;
  private count = 0;
  /** Decoded names of quoted keys (rare); bare keys are compared against the text itself. */
  private readonly quotedNames = new Map<number, string>();
  /** The children of long arrays, by index: built on the first far lookup, dropped when the array grows. */
  private readonly itemIndexes = new Map<number, Int32Array>();

  constructor(text: string, expectedNodes = 64) {
    this.text = text;
    this.data = new Int32Array(Math.max(16, Math.ceil(expectedNodes)) * STRIDE);
    this.add(NodeKind.Table, NONE, -1, -1, 0, text.length);
  }

  get size(): number {
    return this.count;
  }

  /** Appends a node under `parent` (NONE for the root) and returns its id. */
  add(kind: NodeKind, parent: number, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): number {
    if ((this.count + 1) * STRIDE > this.data.length) {
      const grown = new Int32Array(Math.ceil((this.data.length * 1.5) / STRIDE) * STRIDE);
      grown.set(this.data);
      this.data = grown;
    }
    const id = this.count++;
    const d = this.data;
    const at = id * STRIDE;
    d[at + KIND] = kind;
    d[at + FIRST_CHILD] = NONE;
    d[at + LAST_CHILD] = NONE;
    d[at + NEXT_SIBLING] = NONE;
    d[at + KEY_START] = keyStart;
    d[at + KEY_END] = keyEnd;
    d[at + VALUE_START] = valueStart;
    d[at + VALUE_END] = valueEnd;
    if (parent !== NONE) {
      if (this.itemIndexes.size > 0) this.itemIndexes.delete(parent);
      const p = parent * STRIDE;
      const last = d[p + LAST_CHILD];
      if (last === NONE) d[p + FIRST_CHILD] = id;
      else d[last * STRIDE + NEXT_SIBLING] = id;
      d[p + LAST_CHILD] = id;
    }
    return id;
  }

  /**
   * The first form that TOML 1.1 added and TOML 1.0 (what the node reads)
   * refuses: smol-toml accepts them, so the scanner notes where one is.
   */
  newerSyntax: NewerSyntax | undefined;

  /** Every table header (`[a]`, `[[a]]`) in document order, as start/end offset pairs. */
  readonly headers: number[] = [];

  addHeader(start: number, end: number): void {
    this.headers.push(start, end);
  }

  setQuotedName(node: number, name: string): void {
    this.quotedNames.set(node, name);
  }

  setKind(node: number, kind: NodeKind): void {
    this.data[node * STRIDE + KIND] = kind;
  }

  setValue(node: number, start: number, end: number): void {
    this.data[node * STRIDE + VALUE_START] = start;
    this.data[node * STRIDE + VALUE_END] = end;
  }

  setValueEnd(node: number, end: number): void {
    this.data[node * STRIDE + VALUE_END] = end;
  }

  kind(node: number): NodeKind {
    return this.data[node * STRIDE + KIND];
  }

  firstChild(node: number): number {
    return this.data[node * STRIDE + FIRST_CHILD];
  }

  lastChild(node: number): number {
    return this.data[node * STRIDE + LAST_CHILD];
  }

  nextSibling(node: number): number {
    return this.data[node * STRIDE + NEXT_SIBLING];
  }

  valueStart(node: number): number {
    return this.data[node * STRIDE + VALUE_START];
  }

  valueEnd(node: number): number {
    return this.data[node * STRIDE + VALUE_END];
  }

  /** The value (or table header, or inline table) a node stands for. */
  valueRange(node: number): SourceRange {
    const at = node * STRIDE;
    return { start: this.data[at + VALUE_START], end: this.data[at + VALUE_END] };
  }

  /** The key of a key/value pair or a header segment; a table entry or array item has none and gives its value range. */
  keyRange(node: number): SourceRange {
    const at = node * STRIDE;
    const start = this.data[at + KEY_START];
    if (start < 0) return this.valueRange(node);
    return { start, end: this.data[at + KEY_END] };
  }

  /** The key's name, decoded; undefined for array items. */
  keyName(node: number): string | undefined {
    const at = node * STRIDE;
    const start = this.data[at + KEY_START];
    if (start < 0) return undefined;
    return this.quotedNames.get(node) ?? this.text.slice(start, this.data[at + KEY_END]);
  }

  /** Whether a node's key is `name`, without making a string. */
  keyIs(node: number, name: string): boolean {
    const at = node * STRIDE;
    const start = this.data[at + KEY_START];
    if (start < 0) return false;
    const quoted = this.quotedNames.size === 0 ? undefined : this.quotedNames.get(node);
    if (quoted !== undefined) return quoted === name;
    return this.data[at + KEY_END] - start === name.length && this.text.startsWith(name, start);
  }

  /** The child of a table with key `name`, or NONE. */
  child(node: number, name: string): number {
    for (let c = this.firstChild(node); c !== NONE; c = this.nextSibling(c)) {
      if (this.keyIs(c, name)) return c;
    }
    return NONE;
  }

  /** The children of a node in document order (array items, table entries, keys). */
  children(node: number): number[] {
    const out: number[] = [];
    for (let c = this.firstChild(node); c !== NONE; c = this.nextSibling(c)) out.push(c);
    return out;
  }

  /**
   * The index-th child of an array, or NONE. Far items are found through an
   * index of the array's children, built once: a diagnostic for each of
   * 100,000 `[[role]]` entries must not walk the entries before each one.
   */
  item(node: number, index: number): number {
    if (index < 0) return NONE;
    if (index < NEAR_ITEMS) {
      let c = this.firstChild(node);
      for (let i = 0; c !== NONE && i < index; i++) c = this.nextSibling(c);
      return c;
    }
    let items = this.itemIndexes.get(node);
    if (items === undefined) {
      let count = 0;
      for (let c = this.firstChild(node); c !== NONE; c = this.nextSibling(c)) count++;
      items = new Int32Array(count);
      let i = 0;
      for (let c = this.firstChild(node); c !== NONE; c = this.nextSibling(c)) items[i++] = c;
      this.itemIndexes.set(node, items);
    }
    return index < items.length ? items[index] : NONE;
  }

  /**
   * The node a JSON pointer (as ajv's instancePath) names. When a step cannot
   * be placed, `node` is the deepest node reached and `exact` is false: a
   * coarser place, never a wrong one.
   */
  locate(pointer: string): { node: number; exact: boolean } {
    let node = ROOT;
    if (pointer === '' || pointer === '/') return { node, exact: true };
    const steps = pointer.split('/');
    for (let i = 1; i < steps.length; i++) {
      const step = steps[i].replace(/~1/g, '/').replace(/~0/g, '~');
      const kind = this.kind(node);
      let next = NONE;
      if (kind === NodeKind.Array || kind === NodeKind.TableArray) {
        if (/^\d+$/.test(step)) next = this.item(node, Number(step));
      } else {
        next = this.child(node, step);
      }
      if (next === NONE) return { node, exact: false };
      node = next;
    }
    return { node, exact: true };
  }
}
