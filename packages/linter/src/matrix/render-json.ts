import type { AccessMatrix } from './build-matrix';

/** The matrix as JSON: users, permissions, and for each permission the decision and derivation per user. */
export function renderMatrixJson(matrix: AccessMatrix): string {
  return `${JSON.stringify(
    {
      users: matrix.users,
      permissions: matrix.permissions.map((name, row) => ({
        name,
        users: matrix.allowed[row].map((allowed, i) => ({ user: matrix.users[i].label, allowed, derivation: matrix.derivation(row, i) })),
      })),
    },
    null,
    2,
  )}\n`;
}
