import { escapeControls } from '@nano-access/parser';
import type { AccessMatrix } from './build-matrix';

/**
 * A plain table: one row per permission, one column per user, then the legend
 * of the columns. Names and masked ids come from files: their control
 * characters are escaped.
 */
export function renderMatrixText(matrix: AccessMatrix): string {
  const permissions = matrix.permissions.map(escapeControls);
  let width = 'permission'.length;
  for (const permission of permissions) width = Math.max(width, permission.length);
  const columns = matrix.users.map((u) => Math.max(u.label.length, 'yes'.length));
  let out =
    `${'permission'.padEnd(width)}  ${matrix.users.map((u, i) => u.label.padEnd(columns[i])).join('  ')}`.trimEnd() +
    '\n';
  permissions.forEach((permission, row) => {
    const cells = matrix.allowed[row].map((allowed, i) => (allowed ? 'yes' : '-').padEnd(columns[i]));
    out += `${permission.padEnd(width)}  ${cells.join('  ')}`.trimEnd() + '\n';
  });
  out += '\n';
  for (const user of matrix.users) out += `${user.label}: ${escapeControls(user.description)}\n`;
  return out;
}
