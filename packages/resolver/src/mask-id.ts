/**
 * User ids are credentials: reports and matrices refer to a user by position
 * and show at most the last four characters of its id, and never more than a
 * quarter of it, so that a short (weak) id is not given away by its own
 * warning.
 */
export function maskId(id: string): string {
  const shown = Math.min(4, Math.floor(id.length / 4));
  return shown === 0 ? '…' : `…${id.slice(-shown)}`;
}

/**
 * How every report names a user: "the default user", or "user #3 (…c57)" with the 0-based index
 * made 1-based and the id masked (whole with `showId`, which the CLI's --show-ids asks for).
 */
export function describeUserAt(index: number, id: string, isDefault: boolean, showId = false): string {
  if (isDefault) return 'the default user';
  return `user #${index + 1} (${showId ? id : maskId(id)})`;
}
