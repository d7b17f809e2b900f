/**
 * A flat copy of `text` that shares no memory with the string it was cut from.
 * V8 represents a substring of 13 or more characters as a "sliced string"
 * pointing into its parent, so one user id kept from a 50 MB access file
 * would keep all 50 MB alive; a sliced (or cons) key also costs an extra
 * pointer chase on every Map lookup. A JSON round trip is exact for every
 * string (lone surrogates included) and yields a fresh sequential string.
 */
export function ownString(text: string): string {
  if (text.length < 13) return text; // V8 copies short substrings already
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * ownString() of each of `texts`, in one JSON round trip: a compiler copying
 * a million user ids pays the JSON machinery once per batch instead of once
 * per id (about 2-3x less CPU per id). Every copy is a fresh flat string,
 * exact as ownString()'s.
 */
export function ownStrings(texts: readonly string[]): string[] {
  return JSON.parse(JSON.stringify(texts)) as string[];
}

/**
 * The internalized copy of `text`: the one V8 keeps in its string table, which
 * every equal string used as a property key or written as a literal is too.
 * Permission names are handed out internalized (loadCatalog) because V8 turns
 * any other string object into a forwarding "thin string" the first time it
 * is used as a property key (by the caller, a logger, a metrics object); every
 * charCodeAt on it then pays an indirection, and comparing it with the name
 * index's key is no longer a pointer comparison.
 */
export function internalized(text: string): string {
  const holder: Record<string, true> = { [text]: true };
  for (const key in holder) return key;
  return text;
}
