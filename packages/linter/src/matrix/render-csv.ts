import { escapeControls } from '@nano-access/parser';
import type { AccessMatrix } from './build-matrix';

/** RFC 4180 CSV: a header of user columns, one row per permission, cells "yes" or "no"; control characters escaped. */
export function renderMatrixCsv(matrix: AccessMatrix): string {
  const rows = [['permission', ...matrix.users.map((u) => u.description)]];
  matrix.permissions.forEach((permission, row) => {
    rows.push([permission, ...matrix.allowed[row].map((allowed) => (allowed ? 'yes' : 'no'))]);
  });
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

function field(text: string): string {
  const value = escapeControls(text);
  // A leading = + - @ would be a formula to a spreadsheet: quote it and neutralise it.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
