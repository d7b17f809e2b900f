import { escapeControls } from '@nano-access/parser';
import type { PermissionChange, PolicyDiff } from './diff-policies';
import { summaryLine } from './summary';

/**
 * For people: each user that changed, then `+ permission  because` and
 * `- permission  because` rows, role changes with no effect, and a summary.
 */
export function renderDiffText(diff: PolicyDiff): string {
  let out = `${escapeControls(diff.oldFile)} -> ${escapeControls(diff.newFile)}\n`;
  for (const user of diff.users) {
    out += `\n${escapeControls(user.user)}: ${user.status}\n`;
    const width = nameWidth(user.gained, user.lost);
    for (const change of user.gained)
      out += `  + ${change.permission.padEnd(width)}  ${escapeControls(change.because)}\n`;
    for (const change of user.lost)
      out += `  - ${change.permission.padEnd(width)}  ${escapeControls(change.because)}\n`;
  }
  if (diff.noEffect.length > 0) {
    out += '\nno effect on any user:\n';
    for (const line of diff.noEffect) out += `  ${escapeControls(line)}\n`;
  }
  return `${out}\n${summaryLine(diff)}\n`;
}

/** The longest permission name (a loop: lists can be long, no spread). */
export function nameWidth(...lists: readonly (readonly PermissionChange[])[]): number {
  let width = 0;
  for (const list of lists)
    for (const change of list) if (change.permission.length > width) width = change.permission.length;
  return width;
}
