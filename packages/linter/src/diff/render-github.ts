import { escapeData, escapeProperty } from '../formatters/github';
import { escapeControls } from '@nano-access/parser';
import type { PolicyDiff } from './diff-policies';
import { renderDiffText } from './render-text';

export interface GithubDiffOptions {
  /** The path annotations are placed on: NEW's path from the repository root. */
  file: string;
  /** OLD's name, for a removed user's annotation. */
  oldName?: string;
}

/**
 * GitHub Actions workflow commands: one `::notice` per changed or added
 * user, on the line of its `[[user]]` in NEW; a removed user has no line
 * in NEW, so its notice goes on line 1 and names the line it had in OLD.
 * Then the text report, for the log.
 */
export function renderDiffGithub(diff: PolicyDiff, options: GithubDiffOptions): string {
  let out = '';
  const file = escapeProperty(options.file);
  for (const user of diff.users) {
    const line = user.status === 'removed' || user.line === undefined ? 1 : user.line;
    const where =
      user.status === 'removed' && user.line !== undefined
        ? ` (line ${user.line} of ${options.oldName ?? diff.oldFile})`
        : '';
    const title = escapeProperty(escapeControls(`nano-access diff: ${user.user} ${user.status}`));
    const rows = [
      `${user.user} ${user.status}${where}:`,
      ...user.gained.map((c) => `+ ${c.permission}: ${c.because}`),
      ...user.lost.map((c) => `- ${c.permission}: ${c.because}`),
    ].map(escapeControls);
    out += `::notice file=${file},line=${line},title=${title}::${escapeData(rows.join('\n'))}\n`;
  }
  return out + renderDiffText(diff);
}
