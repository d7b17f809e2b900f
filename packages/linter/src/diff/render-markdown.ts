import { escapeControls } from '@nano-access/parser';
import type { PolicyDiff, UserChange } from './diff-policies';
import { countDiff, summaryLine } from './summary';

/** Rows above which a user's table is folded into a <details> block. */
const FOLD_ABOVE_ROWS = 8;
/**
 * GitHub refuses a comment longer than 65,536 characters: users past this
 * budget are counted, not listed (the job's log has the full text report).
 */
const DEFAULT_MAX_LENGTH = 60_000;

export interface MarkdownOptions {
  /** Longest report in characters; default 60,000 (a pull-request comment holds 65,536). */
  maxLength?: number;
}

/**
 * For a pull-request comment: a summary, then a table per user, folded
 * when long. Everything taken from a file is in code spans, where GitHub
 * neither renders HTML nor links `@mentions` and `#numbers`.
 */
export function renderDiffMarkdown(diff: PolicyDiff, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const head = `### nano-access diff\n\n${code(diff.oldFile)} → ${code(diff.newFile)}: ${summaryLine(diff)}\n`;
  const tail = diff.noEffect.length > 0 ? `\n**No effect on any user:** ${diff.noEffect.map(code).join(', ')}\n` : '';
  let body = '';
  let shown = 0;
  for (const user of diff.users) {
    const section = userSection(user);
    // Leave room for the line that counts what was left out.
    if (head.length + body.length + section.length + tail.length + 200 > maxLength) break;
    body += section;
    shown++;
  }
  if (shown < diff.users.length) {
    const rest = countDiff({ ...diff, users: diff.users.slice(shown) });
    body += `\n_${rest.users} more ${rest.users === 1 ? 'user' : 'users'} (${rest.gained} gained, ${rest.lost} lost) left out to fit a comment: see \`nano-access diff\` in the job's log._\n`;
  }
  return head + body + tail;
}

function userSection(user: UserChange): string {
  const counts = [
    user.gained.length > 0 ? `+${user.gained.length}` : '',
    user.lost.length > 0 ? `−${user.lost.length}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  let table = '| | permission | because |\n|---|---|---|\n';
  for (const change of user.gained)
    table += `| + | ${cell(code(change.permission))} | ${cell(code(change.because))} |\n`;
  for (const change of user.lost) table += `| − | ${cell(code(change.permission))} | ${cell(code(change.because))} |\n`;
  const rows = user.gained.length + user.lost.length;
  if (rows > FOLD_ABOVE_ROWS) {
    return `\n<details><summary><code>${html(escapeControls(user.user))}</code>: ${user.status} (${counts})</summary>\n\n${table}\n</details>\n`;
  }
  return `\n${code(user.user)}: ${user.status} (${counts})\n\n${table}`;
}

/** An inline code span holding any text: the fence is longer than any run of backticks inside. */
export function code(text: string): string {
  const value = escapeControls(text);
  let longest = 0;
  for (const run of value.match(/`+/g) ?? []) if (run.length > longest) longest = run.length;
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') || value.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A table cell: a pipe would end the cell, even inside a code span. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
