import { describeDeny, describeGrant, maskId } from '@nano-access/linter';
import type { Explanation } from '@nano-access/resolver';

export function describeUser(explanation: Explanation): string {
  const { user } = explanation;
  switch (user.kind) {
    case 'default':
      return 'the default user (no credentials)';
    case 'unknown':
      return `unknown credentials ${maskId(user.id)} (no permissions)`;
    case 'user':
      return `user #${(user.index ?? 0) + 1} (${maskId(user.id)})`;
  }
}

/** The human-readable explain report. */
export function formatExplanation(explanation: Explanation): string {
  const lines = [`user: ${describeUser(explanation)}`];
  lines.push(`effective (${explanation.effective.length}): ${explanation.effective.join(', ') || '(none)'}`);
  const permission = explanation.permission;
  if (permission) {
    lines.push(`${permission.name}: ${permission.allowed ? 'allowed' : 'denied'}`);
    for (const grant of permission.grants) lines.push(`  granted by ${describeGrant(grant)}`);
    for (const deny of permission.denies) lines.push(`  removed by ${describeDeny(deny)}`);
    if (permission.grants.length === 0) lines.push('  granted by nothing');
  }
  return `${lines.join('\n')}\n`;
}
