import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/** Shorter ids than this can be guessed or brute-forced: ACCESS.md §5. */
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
    for (const user of model.users) {
      if (user.isDefault) continue;
      const id = user.id;
      const length = id.length;
      if (length < MIN_ID_LENGTH) {
        context.report({
          messageId: 'tooShort',
          data: { user: context.describeUser(user), length },
          range: user.idRange,
        });
        continue;
      }
      const reason = lowVarietyReason(id);
      if (reason) {
        context.report({ messageId: 'lowVariety', data: { user: context.describeUser(user), reason }, range: user.idRange });
      }
    }
  },
});

/** Words guessers try first; an id made mostly of them is a password off a list. */
const GUESSABLE_WORDS = ['password', 'passw0rd', 'secret', 'changeme', 'letmein', 'qwerty', 'admin', 'default', 'example'];

/** Why a long id is still easy to guess, or undefined. (Runs for every user: plain loops, no arrays.) */
export function lowVarietyReason(id: string): string | undefined {
  const distinct = new Set(id).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return `only ${distinct} distinct characters`;
  if (isRepetition(id)) return 'a short pattern repeated';
  if (runLengthAt(id, 0) === id.length) return 'a run of consecutive characters';
  if (guessableFreeLength(id) < MIN_ID_LENGTH) return 'mostly a common word or a sequence such as 1234';
  return undefined;
}

/** "abcabcabc…": the id is one shorter piece written several times. */
function isRepetition(id: string): boolean {
  for (let size = 1; size <= id.length / 2; size++) {
    if (id.length % size !== 0) continue;
    if (id.slice(size) === id.slice(0, -size)) return true;
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

/** How many characters are left once well-known words and runs of 4 or more consecutive characters (1234, abcd) are taken out. */
function guessableFreeLength(id: string): number {
  let rest = id.toLowerCase();
  for (const word of GUESSABLE_WORDS) if (rest.includes(word)) rest = rest.split(word).join('');
  let kept = 0;
  for (let i = 0; i < rest.length; ) {
    const run = runLengthAt(rest, i);
    if (run < 4) kept += run;
    i += run;
  }
  return kept;
}
