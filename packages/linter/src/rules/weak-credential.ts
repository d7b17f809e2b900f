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
      const length = [...id].length;
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

/** Why a long id is still easy to guess, or undefined. */
export function lowVarietyReason(id: string): string | undefined {
  const characters = [...id];
  const distinct = new Set(characters).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return `only ${distinct} distinct characters`;
  if (isRepetition(id)) return 'a short pattern repeated';
  if (isRun(characters)) return 'a run of consecutive characters';
  if ([...withoutGuessableParts(id)].length < MIN_ID_LENGTH) return 'mostly a common word or a sequence such as 1234';
  return undefined;
}

/** The id without well-known words and without runs of 4 or more consecutive characters (1234, abcd, 9876). */
function withoutGuessableParts(id: string): string {
  let rest = id.toLowerCase();
  for (const word of GUESSABLE_WORDS) rest = rest.split(word).join('');
  const characters = [...rest];
  const kept: string[] = [];
  let i = 0;
  while (i < characters.length) {
    let end = i + 1;
    const step = end < characters.length ? characters[end].codePointAt(0)! - characters[i].codePointAt(0)! : 0;
    if (step === 1 || step === -1) {
      while (end < characters.length && characters[end].codePointAt(0)! - characters[end - 1].codePointAt(0)! === step) end++;
    }
    if (end - i < 4) kept.push(...characters.slice(i, end));
    i = end;
  }
  return kept.join('');
}

/** "abcabcabc…": the id is one shorter piece written several times. */
function isRepetition(id: string): boolean {
  for (let size = 1; size <= id.length / 2; size++) {
    if (id.length % size !== 0) continue;
    if (id.slice(size) === id.slice(0, -size)) return true;
  }
  return false;
}

/** "abcdefghijklmnop", "9876543210…": each character one more (or one less) than the last. */
function isRun(characters: readonly string[]): boolean {
  const step = characters[1].codePointAt(0)! - characters[0].codePointAt(0)!;
  if (step !== 1 && step !== -1) return false;
  for (let i = 2; i < characters.length; i++) {
    if (characters[i].codePointAt(0)! - characters[i - 1].codePointAt(0)! !== step) return false;
  }
  return true;
}
