import { userIdLengths, userIndexLookup } from '@nano-access/parser';
import type { AccessModel, Diagnostic } from '@nano-access/parser';
import { describeUserAt, maskId } from './mask-id';

/** What the ids of an access file are read from: its text, its model and what loading it reported. */
export interface IdSource {
  text: string;
  /** The parsed model (null when the text is not TOML). */
  model: AccessModel | null;
  /** The loader's diagnostics: a user id written as a multi-line string is left out of the model, and found through its own. */
  diagnostics: readonly Diagnostic[];
}

/** Ids shorter than this are masked only where a message quotes exactly them, so that a one-letter id does not mangle the text. */
const ANYWHERE_FROM = 4;
const QUOTE = '"';
const MAX_QUOTES_PAIRED = 8;

/**
 * Masks every user id of an access file wherever a message quotes it: a key
 * pasted into `roles` (`Unknown role "k3y-…"`), into `allow`, or used as a
 * role id. Messages of the parser and the resolver quote the names they are
 * about; an id found among them, or inside one, becomes
 * `[the id of user #3 (…bc57)]`, as users are named everywhere else.
 * The id table is built on the first message that quotes anything.
 */
export class IdMasker {
  private ids: IdTable | undefined;
  /** The distinct lengths of ids of ANYWHERE_FROM characters or more, for the search inside a quoted name. */
  private lengths: number[] = [];

  constructor(private readonly source: IdSource) {}

  /** The message with every id of the file masked. */
  message(message: string): string {
    if (!message.includes(QUOTE)) return message;
    const ids = this.table();
    if (ids.empty) return message;
    // Every stretch between two quotes is a candidate (a name may itself hold a quote).
    const quotes: number[] = [];
    for (let at = message.indexOf(QUOTE); at !== -1; at = message.indexOf(QUOTE, at + 1)) quotes.push(at);
    const replacements: { start: number; end: number; text: string }[] = [];
    // Every pair when there are few quotes; otherwise neighbours and the outermost pair (a name full of quotes stays linear).
    const all = quotes.length <= MAX_QUOTES_PAIRED;
    const last = quotes.length - 1;
    for (let i = 0; i < last; i++) {
      for (let j = i + 1; j <= last; j = all ? j + 1 : i === 0 && j === 1 && last > 1 ? last : last + 1) {
        const inner = message.slice(quotes[i] + 1, quotes[j]);
        const whole = ids.find(inner);
        if (whole !== undefined) {
          replacements.push({ start: quotes[i], end: quotes[j] + 1, text: whole });
          continue;
        }
        if (j === i + 1) this.findInside(message, quotes[i] + 1, quotes[j], replacements);
      }
    }
    return replacements.length === 0 ? message : splice(message, replacements);
  }

  /** Copies of the diagnostics with their messages masked (the same array when nothing changed). */
  diagnostics<D extends Diagnostic>(diagnostics: readonly D[]): D[] {
    let out: D[] | undefined;
    for (let i = 0; i < diagnostics.length; i++) {
      const message = this.message(diagnostics[i].message);
      if (message === diagnostics[i].message) continue;
      out ??= diagnostics.slice();
      out[i] = { ...diagnostics[i], message };
    }
    return out ?? (diagnostics as D[]);
  }

  /** Ids of ANYWHERE_FROM characters or more written inside the quoted name message[start, end). */
  private findInside(
    message: string,
    start: number,
    end: number,
    into: { start: number; end: number; text: string }[],
  ): void {
    const ids = this.ids!;
    for (const length of this.lengths) {
      for (let at = start; at + length <= end; at++) {
        const text = ids.find(message.slice(at, at + length));
        if (text === undefined) continue;
        into.push({ start: at, end: at + length, text });
        at += length - 1;
      }
    }
  }

  /**
   * The ids, looked up where a message quotes something: the model's users by the parser's own
   * lookup (the plain-file reader's Map of ids, so a million users need no object each), then the
   * multi-line ids the loader refused.
   */
  private table(): IdTable {
    if (this.ids !== undefined) return this.ids;
    const { model, diagnostics, text } = this.source;
    const userIndex = userIndexLookup(model);
    // A user id written as a multi-line string: refused, left out of the model, still a credential.
    const refused = new Map<string, string>();
    for (const diagnostic of diagnostics) {
      if (diagnostic.messageId !== 'multilineUserId') continue;
      for (const id of multilineForms(text.slice(diagnostic.span.start.offset, diagnostic.span.end.offset))) {
        if (userIndex(id) === -1 && !refused.has(id)) refused.set(id, `[a user id (${maskId(id)})]`);
      }
    }
    const lengths = userIdLengths(model);
    for (const id of refused.keys()) lengths.add(id.length);
    this.lengths = [...lengths].filter((length) => length >= ANYWHERE_FROM).sort((a, b) => b - a); // longest first: an id holding another is masked whole
    this.ids = {
      empty: lengths.size === 0,
      find(candidate) {
        const index = userIndex(candidate);
        if (index !== -1) return `[the id of ${describeUserAt(index, candidate, false)}]`;
        return refused.get(candidate);
      },
    };
    return this.ids;
  }
}

/** What the masker looks ids up in: each id's replacement text. */
interface IdTable {
  /** No id at all: nothing to mask. */
  empty: boolean;
  find(candidate: string): string | undefined;
}

/** A multi-line string as written, without its quotes, and without the line break TOML trims after them. */
function multilineForms(written: string): string[] {
  const inner = written.slice(3, -3);
  return [inner, inner.replace(/^\r?\n/, '')].filter((form) => form.trim() !== '');
}

/** Applies non-overlapping replacements (the first one found wins where two overlap). */
function splice(message: string, replacements: { start: number; end: number; text: string }[]): string {
  replacements.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const r of replacements) {
    if (r.start < at) continue;
    out += message.slice(at, r.start) + r.text;
    at = r.end;
  }
  return out + message.slice(at);
}

/** The diagnostics with every user id of their file masked (see IdMasker). */
export function maskIdsInDiagnostics<D extends Diagnostic>(diagnostics: readonly D[], source: IdSource): D[] {
  return new IdMasker(source).diagnostics(diagnostics);
}
