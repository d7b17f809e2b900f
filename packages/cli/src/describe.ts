import { escapeControls } from '@nano-access/parser';
import { describeDeny, describeGrant, describeUserAt, maskId } from '@nano-access/linter';
import type { Explanation } from '@nano-access/resolver';

/** How check and explain name the user they answered for: by position and masked id, or the whole id with `showIds`. */
export function describeUser(explanation: Explanation, showIds = false): string {
  const { user } = explanation;
  const id = showIds ? user.id : maskId(user.id);
  switch (user.kind) {
    case 'default':
      return 'the default user (no credentials)';
    case 'unknown':
      return `unknown credentials ${id} (no permissions)`;
    case 'user':
      return describeUserAt(user.index ?? 0, user.id, false, showIds);
  }
}

/** The human-readable explain report; names from the file (roles) and ids with their control characters escaped. */
export function formatExplanation(explanation: Explanation, showIds = false): string {
  const lines = [`user: ${describeUser(explanation, showIds)}`];
  lines.push(`effective (${explanation.effective.length}): ${explanation.effective.join(', ') || '(none)'}`);
  const permission = explanation.permission;
  if (permission) {
    lines.push(`${permission.name}: ${permission.allowed ? 'allowed' : 'denied'}`);
    for (const grant of permission.grants) lines.push(`  granted by ${describeGrant(grant)}`);
    for (const deny of permission.denies) lines.push(`  removed by ${describeDeny(deny)}`);
    if (permission.grants.length === 0) lines.push('  granted by nothing');
  }
  return `${lines.map(escapeControls).join('\n')}\n`;
}
