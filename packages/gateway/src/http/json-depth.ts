/**
 * Whether JSON text nests arrays/objects deeper than `limit`, measured on the
 * raw text before JSON.parse (which would recurse, allocate, and on hostile
 * input overflow the stack). Brackets inside strings do not count; escapes
 * inside strings are skipped. Stops at the first level over the limit.
 * `{}` is depth 1, `{"a":[1]}` depth 2. Malformed text is left to JSON.parse.
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  // Nesting can go no deeper than the number of `{` and `[` in the text: when there are at most
  // `limit` of them (every ordinary request), a few indexOf calls settle it without the scan.
  if (!hasMoreOpenersThan(text, limit)) return false;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string: to the next unescaped quote.
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/** The deepest nesting of the text (for tests and diagnostics). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** Whether the text holds more than `limit` `{` and `[` characters together (in strings or not). */
function hasMoreOpenersThan(text: string, limit: number): boolean {
  let count = 0;
  for (let at = text.indexOf('{'); at !== -1; at = text.indexOf('{', at + 1)) if (++count > limit) return true;
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) if (++count > limit) return true;
  return false;
}
