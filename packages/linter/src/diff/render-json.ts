import { escapeControlsInJson } from '@nano-access/parser';
import type { PolicyDiff } from './diff-policies';

/**
 * The stable JSON shape (docs/policy-review.md):
 * `{"users": [{"user", "status", "gained": [{"permission", "because"}], "lost": […]}], "noEffect": […]}`.
 */
export function renderDiffJson(diff: PolicyDiff): string {
  const shape = {
    users: diff.users.map((user) => ({
      user: user.user,
      status: user.status,
      gained: user.gained.map(({ permission, because }) => ({ permission, because })),
      lost: user.lost.map(({ permission, because }) => ({ permission, because })),
    })),
    noEffect: diff.noEffect,
  };
  // JSON escapes C0 controls itself; DEL and C1 too, as every JSON output of the CLI does.
  return `${escapeControlsInJson(JSON.stringify(shape))}\n`;
}
