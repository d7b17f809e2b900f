import type { PolicyDiff } from './diff-policies';

/** Counts for the last line of a report. */
export interface DiffCounts {
  users: number;
  changed: number;
  added: number;
  removed: number;
  gained: number;
  lost: number;
}

export function countDiff(diff: PolicyDiff): DiffCounts {
  const counts: DiffCounts = { users: diff.users.length, changed: 0, added: 0, removed: 0, gained: 0, lost: 0 };
  for (const user of diff.users) {
    counts[user.status]++;
    counts.gained += user.gained.length;
    counts.lost += user.lost.length;
  }
  return counts;
}

/** "3 users (1 changed, 1 added, 1 removed): 12 permissions gained, 4 lost", or that nothing changed. */
export function summaryLine(diff: PolicyDiff): string {
  const c = countDiff(diff);
  if (c.users === 0) return 'No user gains or loses a permission.';
  const parts = (['changed', 'added', 'removed'] as const)
    .filter((status) => c[status] > 0)
    .map((status) => `${c[status]} ${status}`);
  return `${c.users} ${c.users === 1 ? 'user' : 'users'} (${parts.join(', ')}): ${c.gained} ${c.gained === 1 ? 'permission' : 'permissions'} gained, ${c.lost} lost.`;
}
