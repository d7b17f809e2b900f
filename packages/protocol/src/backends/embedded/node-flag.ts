/**
 * How the node's RPC reads a boolean flag of a request (`request.get<bool> (name, false)`:
 * boost::property_tree's translator over the value's text). The embedded backend uses it to answer
 * as the node would. It is deliberately lenient, and it is never the control gate's reading (see
 * control-gate.ts: the gate reads a flag strictly, so that what the node may take as "on" needs control).
 *
 * The text is read first as an integer, which must be 0 or 1 ("01", "+1", " 1 " are 1), then as
 * `true` / `false`; a JSON number is its decimal text, an array or object has no text. Anything
 * else is the default.
 */
export function nodeFlagValue(value: unknown, fallback = false): boolean {
  let text: string;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') text = String(value);
  else if (typeof value === 'string') text = value;
  else return fallback;
  const word = text.replace(C_SPACE_AROUND, '');
  if (INTEGER.test(word)) {
    const n = Number(word);
    if (n === 0) return false;
    if (n === 1) return true;
    return fallback;
  }
  if (word === 'true') return true;
  if (word === 'false') return false;
  return fallback;
}

/** C's isspace: the stream skips it before the value and after it. */
const C_SPACE_AROUND = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const INTEGER = /^[+-]?[0-9]+$/;
