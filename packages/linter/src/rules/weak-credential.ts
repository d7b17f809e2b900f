import { forEachUserId, userAt } from '@nano-access/parser';
import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/** Shorter ids than this can be guessed or brute-forced: docs/rules.md. */
export const MIN_ID_LENGTH = 16;
/** Fewer distinct characters than this is "low variety" even in a long id. */
export const MIN_DISTINCT_CHARACTERS = 8;

/**
 * User ids are the credentials (API keys) a client presents: a short or
 * patterned one is a password anyone can guess. Checked on the id as
 * written; the message never repeats the id.
 */
export default defineRule({
  id: 'weak-credential',
  meta: {
    severity: 'warning',
    description: 'A user id shorter than 16 characters or of low variety (ids are secrets).',
    docs: ruleDocsPath('weak-credential'),
    source: 'model',
    securitySeverity: 7.5,
    messages: {
      tooShort:
        '{{user}} has a weak id: {{length}} characters, fewer than 16. Ids are credentials: use a long random value (openssl rand -hex 32).',
      lowVariety:
        '{{user}} has a weak id: {{reason}}. Ids are credentials: use a long random value (openssl rand -hex 32).',
    },
  },
  check(context) {
    const model = context.model;
    if (!model) return;
    // By id, not model.users: a server runs this rule on every reload, at a million users too.
    forEachUserId(model, (index, id, isDefault) => {
      if (isDefault) return;
      const length = id.length;
      if (length < MIN_ID_LENGTH) {
        const user = userAt(model, index);
        context.report({
          messageId: 'tooShort',
          data: { user: context.describeUser(user), length },
          range: user.idRange,
        });
        return;
      }
      const reason = lowVarietyReason(id);
      if (reason) {
        const user = userAt(model, index);
        context.report({
          messageId: 'lowVariety',
          data: { user: context.describeUser(user), reason },
          range: user.idRange,
        });
      }
    });
  },
});

/** Words guessers try first; an id made mostly of them is a password off a list. */
const GUESSABLE_WORDS = [
  'password',
  'passw0rd',
  'secret',
  'changeme',
  'letmein',
  'qwerty',
  'admin',
  'default',
  'example',
];
/** Any of GUESSABLE_WORDS: one native scan tells the usual id (none of them) from one that needs the word-by-word removal. */
const ANY_GUESSABLE_WORD = new RegExp(GUESSABLE_WORDS.join('|'));

/** Why a long id is still easy to guess, or undefined. (Runs for every user: plain loops over char codes.) */
export function lowVarietyReason(id: string): string | undefined {
  const distinct = distinctCharacters(id, MIN_DISTINCT_CHARACTERS);
  if (distinct < MIN_DISTINCT_CHARACTERS) return `only ${distinct} distinct characters`;
  if (isRepetition(id)) return 'a short pattern repeated';
  if (runLengthAt(id, 0) === id.length) return 'a run of consecutive characters';
  if (!keepsGuessableFree(id, MIN_ID_LENGTH)) return 'mostly a common word or a sequence such as 1234';
  return undefined;
}

/**
 * How many distinct characters (code points) the id has, counting up to
 * `enough` only. A Set of the string's code points would say the same but
 * costs an iterator step and a hash per character: on a 10,000-user file that
 * was most of this rule's time.
 */
function distinctCharacters(id: string, enough: number): number {
  const seen: number[] = [];
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    // A surrogate pair is one character: leave such (rare) ids to the exact, slower count.
    if (c >= 0xd800 && c <= 0xdfff) return Math.min(new Set(id).size, enough);
    if (seen.indexOf(c) !== -1) continue;
    seen.push(c);
    if (seen.length === enough) return enough;
  }
  return seen.length;
}

/** "abcabcabc…": the id is one shorter piece written several times (it equals itself shifted by the piece's size). */
function isRepetition(id: string): boolean {
  const length = id.length;
  for (let size = 1; size <= length / 2; size++) {
    if (length % size !== 0) continue;
    let i = size;
    while (i < length && id.charCodeAt(i) === id.charCodeAt(i - size)) i++;
    if (i === length) return true;
  }
  return false;
}

/** Length of the run of consecutive characters (each one more, or each one less, than the last) starting at `from`. */
function runLengthAt(text: string, from: number): number {
  if (from + 1 >= text.length) return text.length - from;
  const step = text.charCodeAt(from + 1) - text.charCodeAt(from);
  if (step !== 1 && step !== -1) return 1;
  let end = from + 2;
  while (end < text.length && text.charCodeAt(end) - text.charCodeAt(end - 1) === step) end++;
  return end - from;
}

/**
 * Whether at least `enough` characters are left once well-known words and
 * runs of 4 or more consecutive characters (1234, abcd) are taken out; stops
 * counting at `enough`.
 */
function keepsGuessableFree(id: string, enough: number): boolean {
  let rest = id.toLowerCase();
  if (ANY_GUESSABLE_WORD.test(rest)) {
    for (const word of GUESSABLE_WORDS) if (rest.includes(word)) rest = rest.split(word).join('');
  }
  let kept = 0;
  for (let i = 0; i < rest.length && kept < enough;) {
    const run = runLengthAt(rest, i);
    if (run < 4) kept += run;
    i += run;
  }
  return kept >= enough;
}
