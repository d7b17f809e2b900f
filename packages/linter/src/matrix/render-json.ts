import { escapeControlsInJson } from '@nano-access/parser';
import type { AccessMatrix } from './build-matrix';

/** The matrix as JSON: users, permissions, and for each permission the decision and derivation per user (DEL and C1 escaped too). */
export function renderMatrixJson(matrix: AccessMatrix): string {
  return `${escapeControlsInJson(
    JSON.stringify(
      {
        users: matrix.users,
        permissions: matrix.permissions.map((name, row) => ({
          name,
          users: matrix.allowed[row].map((allowed, i) => ({
            user: matrix.users[i].label,
            allowed,
            derivation: matrix.derivation(row, i),
          })),
        })),
      },
      null,
      2,
    ),
  )}\n`;
}
