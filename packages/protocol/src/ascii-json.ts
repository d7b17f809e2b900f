// Matches every code unit outside printable-or-control ASCII; JSON.stringify
// already escapes control characters, and lone surrogates become \uXXXX escapes
// on their own (well-formed JSON.stringify), so this only meets U+0080 and up.
const NON_ASCII = /[\u0080-\uffff]/g;
const ALL_ASCII = /^[\u0000-\u007f]*$/;

function escape(char: string): string {
  return '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * JSON text that is pure ASCII (non-ASCII as \uXXXX): the nano-ipc npm client
 * counts characters, not bytes, when it reads a length-prefixed response.
 * Characters outside the BMP become a surrogate pair of escapes, as JSON wants.
 * `undefined` (or a function) at the top level gives "null", so the result is always JSON.
 */
export function stringifyAscii(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return 'null';
  // Fast path: most responses are ASCII already. One regex test (V8 scans a one-byte string
  // natively) costs about a quarter of a charCodeAt loop over the same text.
  return ALL_ASCII.test(text) ? text : text.replace(NON_ASCII, escape);
}
