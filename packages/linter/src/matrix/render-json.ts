import type { AccessMatrix } from './build-matrix';

/** The matrix as JSON: users, permissions, and for each permission the decision and derivation per user. */
export function renderMatrixJson(matrix: AccessMatrix): string {
  return `${JSON.stringify(
    {
      users: matrix.users,
      permissions: matrix.permissions.map((name, row) => ({
        name,
        users: matrix.cells[row].map((cell, i) => ({ user: matrix.users[i].label, ...cell })),
      })),
    },
    null,
    2,
  )}\n`;
}
