import type { Deny, Explanation, Grant } from '@nano-access/resolver';
import { maskId } from './load';

/** One line for a grant, e.g. "implied by wallet (role wallet_admin)". */
export function describeGrant(grant: Grant): string {
  switch (grant.source) {
    case 'builtin-default':
      return 'built-in default of the default user';
    case 'inherited-default-user':
      return 'inherited from the default user';
    case 'role':
      return `role ${grant.role}`;
    case 'allow':
      return 'allow';
    case 'implied':
      return `implied by ${grant.by} (${describeGrant(grant.via)})`;
    case 'unrestricted':
      return `unrestricted (${describeGrant(grant.via)})`;
  }
}

/** One line for a deny, e.g. "deny wallet (implies the permission)". */
export function describeDeny(deny: Deny): string {
  if (deny.source === 'inherited-default-user-deny') return `denied to the default user (${deny.permission})`;
  switch (deny.reason) {
    case 'denied':
      return `deny ${deny.permission}`;
    case 'implied-by-denied':
      return `deny ${deny.permission} (which includes it)`;
    case 'implies-denied':
      return `deny ${deny.permission} (it includes that permission, so it goes too)`;
  }
}

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
