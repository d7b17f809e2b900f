import { parseAccessFile } from '@nano-access/parser';
import type { Diagnostic } from '@nano-access/parser';

const REDACTED = '[redacted]';

// `id = "…"`, `"id" = '…'` and the like, wherever they appear (tables or inline tables).
// This also finds ids in a file that is not valid TOML, where the parser has no model.
const ID_ASSIGNMENT = /(?:\bid|"id"|'id')[ \t]*=[ \t]*(?:"((?:[^"\\\r\n]|\\.)*)"|'([^'\r\n]*)')/g;

// `id = """…"""` or `'''…'''`: the parser refuses such an id (multiline-string) and leaves its
// user out of the model, but the text is still a credential that other messages may quote.
const MULTILINE_ID_ASSIGNMENT = /(?:\bid|"id"|'id')[ \t]*=[ \t]*(?:"""([\s\S]*?)"""|'''([\s\S]*?)''')/g;

// String forms the pattern above does not decode: multi-line strings, TOML's \e and \U escapes.
const NEEDS_PARSER = /"""|'''|\\[eU]/;

/**
 * Every user id (credential) the text holds: every string assigned to an `id` key (role ids
 * included: over-redacting is safe), plus the parser's decoded ids when the file uses a string
 * form the pattern does not decode (a second parse, so not done for every file).
 */
export function credentialsIn(text: string, file: string): string[] {
  const found = new Set<string>();
  if (NEEDS_PARSER.test(text)) {
    try {
      const { model } = parseAccessFile(text, { file });
      for (const user of model?.users ?? []) if (user.id !== '') found.add(user.id);
    } catch {
      // The parser never throws on bad input; if it ever does, the pattern below still applies.
    }
  }
  if (text.includes('"""') || text.includes("'''")) {
    for (const match of text.matchAll(MULTILINE_ID_ASSIGNMENT)) {
      // As written, and without the line break TOML trims after the opening quotes.
      const raw = match[1] ?? match[2] ?? '';
      for (const form of [raw, raw.replace(/^\r?\n/, '')]) if (form.trim() !== '') found.add(form);
    }
  }
  for (const match of text.matchAll(ID_ASSIGNMENT)) {
    const raw = match[1] ?? match[2] ?? '';
    if (raw === '') continue;
    found.add(raw);
    if (match[1] !== undefined && raw.includes('\\')) {
      try {
        found.add(JSON.parse(`"${raw}"`) as string);
      } catch {
        // TOML escapes JSON lacks (\e, \UXXXXXXXX): the raw form is already listed.
      }
    }
  }
  // Longest first, so that an id containing another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * Replaces every credential in a message. Ids of four characters or more are replaced wherever
 * they appear; shorter ones only where quoted, so that a one-letter id does not mangle the text.
 */
export function redactCredentials(message: string, credentials: readonly string[]): string {
  let result = message;
  for (const id of credentials) {
    const forms = new Set([id, JSON.stringify(id).slice(1, -1)]);
    for (const form of forms) {
      if (form.length >= 4) {
        result = result.split(form).join(REDACTED);
      } else {
        for (const [open, close] of [
          ['"', '"'],
          ["'", "'"],
          ['`', '`'],
          ['\u201c', '\u201d'],
        ] as const) {
          result = result.split(`${open}${form}${close}`).join(`${open}${REDACTED}${close}`);
        }
      }
    }
  }
  return result;
}

/** Tells whether a string is a credential the running policy knows (a key pasted into a permission list, say). */
export type KnownCredential = (candidate: string) => boolean;

const QUOTED = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;

/** Replaces quoted strings that are credentials of the running policy. */
export function redactKnownCredentials(message: string, isKnown: KnownCredential): string {
  return message.replace(QUOTED, (whole, double: string | undefined, single: string | undefined) => {
    const inner = double ?? single ?? '';
    return inner !== '' && isKnown(inner) ? whole.replace(inner, REDACTED) : whole;
  });
}

/**
 * Replaces every occurrence of an id the policy knows: each substring as long as some id (four
 * characters or more; shorter ones only where quoted) is looked up. The cost is the message's
 * length times the number of distinct id lengths, whatever the number of users: fit for messages
 * about a file of a million users, where trying every id on every message is not.
 */
export function redactKnownIds(message: string, isKnown: KnownCredential, idLengths: ReadonlySet<number>): string {
  const ranges: Array<[number, number]> = [];
  for (const length of idLengths) {
    if (length < 4) continue;
    for (let start = 0; start + length <= message.length; start++) {
      if (isKnown(message.slice(start, start + length))) ranges.push([start, start + length]);
    }
  }
  let result = message;
  if (ranges.length > 0) {
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const range of ranges) {
      const last = merged[merged.length - 1];
      if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push([range[0], range[1]]);
    }
    for (let i = merged.length - 1; i >= 0; i--)
      result = result.slice(0, merged[i][0]) + REDACTED + result.slice(merged[i][1]);
  }
  return redactKnownCredentials(result, isKnown);
}

/**
 * The diagnostics with every credential removed from their messages (a copy; the input is not
 * changed): the ids of the new text, and any quoted string the running policy knows as an id.
 */
export function redactDiagnostics(
  diagnostics: readonly Diagnostic[],
  text: string,
  file: string,
  isKnown?: KnownCredential,
): Diagnostic[] {
  if (diagnostics.length === 0) return [];
  const credentials = credentialsIn(text, file);
  return diagnostics.map((d) => {
    let message = redactCredentials(d.message, credentials);
    if (isKnown !== undefined) message = redactKnownCredentials(message, isKnown);
    return { ...d, message };
  });
}
