// Matches every code unit outside printable-or-control ASCII; JSON.stringify
// already escapes control characters, and lone surrogates become \uXXXX escapes
// on their own (well-formed JSON.stringify), so this only meets U+0080 and up.
const NON_ASCII = /[\u0080-\uffff]/g;
const ALL_ASCII = /^[\u0000-\u007f]*$/;
/** A string JSON writes as itself between quotes, in ASCII: printable ASCII without `"` and `\`. */
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

/** Objects nested deeper than this (envelope → message → options) are written by JSON.stringify. */
const MAX_FAST_DEPTH = 3;

function escape(char: string): string {
  return '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
}

/** JSON.stringify's text made ASCII. */
function nativeAscii(value: unknown): string | undefined {
  const text = JSON.stringify(value);
  if (text === undefined) return undefined;
  // Most answers are ASCII already. One regex test (V8 scans a one-byte string natively)
  // costs about a quarter of a charCodeAt loop over the same text.
  return ALL_ASCII.test(text) ? text : text.replace(NON_ASCII, escape);
}

function quote(text: string): string {
  return PLAIN.test(text) ? '"' + text + '"' : nativeAscii(text)!;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && !Array.isArray(value);
}

/**
 * A value as JSON.stringify then the ASCII escape would write it, or undefined where
 * JSON.stringify omits it (undefined, a function, a symbol).
 */
function write(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth < MAX_FAST_DEPTH && isPlainObject(value)) return writeObject(value, depth + 1);
      return nativeAscii(value);
    default:
      return nativeAscii(value);
  }
}

function writeObject(object: Record<string, unknown>, depth: number): string {
  let out = '{';
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const text = write(object[key], depth);
    if (text === undefined) continue;
    out += (out.length === 1 ? '' : ',') + quote(key) + ':' + text;
  }
  return out + '}';
}

/**
 * JSON text that is pure ASCII (non-ASCII as \uXXXX): the nano-ipc npm client
 * counts characters, not bytes, when it reads a length-prefixed response.
 * Characters outside the BMP become a surrogate pair of escapes, as JSON wants.
 * `undefined` (or a function) at the top level gives "null", so the result is always JSON.
 *
 * The text is byte-identical to JSON.stringify's (then escaped). Small plain objects (every
 * envelope and its message) are written here, key by key: for a response envelope that is about
 * a third of JSON.stringify's cost, which pays a fixed price per call that dominates small
 * objects. Arrays, deeper objects and anything with a prototype (toJSON) go to JSON.stringify.
 */
export function stringifyAscii(value: unknown): string {
  return write(value, 0) ?? 'null';
}
