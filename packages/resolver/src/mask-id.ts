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

/** "the default user", or "user #3 (…c57)" with the 0-based index made 1-based. */
export function describeUserAt(index: number, id: string, isDefault: boolean): string {
  if (isDefault) return 'the default user';
  return `user #${index + 1} (${maskId(id)})`;
}
