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
