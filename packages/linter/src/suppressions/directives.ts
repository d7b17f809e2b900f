import type { SourceRange } from '@nano-access/parser';
import { scanLines, type LineKind, type ScannedComment } from './scan-lines';

const PREFIX = 'nano-access:';

/** A rule id written in a suppression comment, with where it was written. */
export interface DirectiveRuleId {
  id: string;
  range: SourceRange;
}

/** One `# nano-access: disable…` comment. */
export interface SuppressionDirective {
  kind: 'disable' | 'disable-file';
  ruleIds: DirectiveRuleId[];
  /** The text after ` -- `, when given. */
  reason: string | undefined;
  /** The whole comment, `#` included. */
  range: SourceRange;
  /** 1-based line of the comment. */
  line: number;
  /** 1-based, inclusive; lastLine < firstLine when the comment precedes nothing. */
  firstLine: number;
  lastLine: number;
}

/** A comment that starts with `nano-access:` but does not say anything we understand. */
export interface MalformedDirective {
  range: SourceRange;
}

export interface Directives {
  directives: SuppressionDirective[];
  malformed: MalformedDirective[];
}

const DIRECTIVE = /^\s*nano-access:\s*(disable-file|disable)\s*=\s*(.*)$/;
const RULE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Finds the suppression comments of a TOML text and the lines each covers:
 * - `# nano-access: disable=a,b -- reason` alone on its line covers the
 *   next line that is not a comment: a key (with its multi-line value), or a
 *   table header (with the whole table, up to the next header);
 * - the same comment after code covers that key or table (inside a
 *   multi-line value: that line);
 * - `# nano-access: disable-file=a,b -- reason` covers the whole file.
 */
export function findDirectives(text: string): Directives {
  const { kinds, comments } = scanLines(text);
  const directives: SuppressionDirective[] = [];
  const malformed: MalformedDirective[] = [];
  for (const comment of comments) {
    if (!comment.text.trimStart().startsWith(PREFIX)) continue;
    const range = { start: comment.offset, end: comment.offset + 1 + comment.text.length };
    const parsed = parseDirective(comment);
    if (!parsed) {
      malformed.push({ range });
      continue;
    }
    const [firstLine, lastLine] =
      parsed.kind === 'disable-file' ? [1, kinds.length] : coveredLines(kinds, comment.line, comment.trailing);
    directives.push({ ...parsed, range, line: comment.line, firstLine, lastLine });
  }
  return { directives, malformed };
}

function parseDirective(comment: ScannedComment): Pick<SuppressionDirective, 'kind' | 'ruleIds' | 'reason'> | null {
  const match = DIRECTIVE.exec(comment.text);
  if (!match) return null;
  const kind = match[1] as SuppressionDirective['kind'];
  let list = match[2];
  let reason: string | undefined;
  const separator = /\s--(?:\s|$)/.exec(list);
  if (separator) {
    reason = list.slice(separator.index + separator[0].length).trim() || undefined;
    list = list.slice(0, separator.index);
  }
  // Offsets of the list inside the file: the comment's `#` + 1 + where the list starts in its text.
  const listStart = comment.offset + 1 + (match[0].length - match[2].length);
  const ruleIds: DirectiveRuleId[] = [];
  let cursor = 0;
  for (const piece of list.split(',')) {
    const id = piece.trim();
    const at = cursor + piece.indexOf(id);
    cursor += piece.length + 1;
    if (!RULE_ID.test(id)) return null;
    ruleIds.push({ id, range: { start: listStart + at, end: listStart + at + id.length } });
  }
  return ruleIds.length > 0 ? { kind, ruleIds, reason } : null;
}

function coveredLines(kinds: readonly LineKind[], line: number, trailing: boolean): [number, number] {
  const kindAt = (l: number): LineKind | undefined => kinds[l - 1];
  let start: number;
  if (trailing) {
    // Inside a multi-line value (an array of inline tables, say) it covers its own line only.
    if (kindAt(line) === 'continuation') return [line, line];
    start = line;
  } else {
    const inValue = kindAt(line) === 'valueComment';
    start = line + 1;
    while (kindAt(start) === 'comment' || kindAt(start) === 'valueComment') start++;
    // Inside a multi-line value, an own-line comment covers the next line only.
    if (inValue) return kindAt(start) === 'continuation' ? [start, start] : [start, start - 1];
  }
  const kind = kindAt(start);
  if (kind === 'header') {
    let end = start + 1;
    while (end <= kinds.length && kindAt(end) !== 'header') end++;
    return [start, end - 1];
  }
  if (kind === 'key') {
    let end = start + 1;
    while (kindAt(end) === 'continuation' || kindAt(end) === 'valueComment') end++;
    return [start, end - 1];
  }
  return [start, start - 1];
}
