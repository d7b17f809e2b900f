import type { Deny, Grant } from '@nano-access/resolver';

/** One line for a grant of explain(), e.g. "implied by wallet (role wallet_admin)". */
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

/** One line for a deny of explain(), e.g. "deny wallet (which includes it)". */
export function describeDeny(deny: Deny): string {
  if (deny.source === 'inherited-default-user-deny') return `denied to the default user (deny ${deny.permission})`;
  switch (deny.reason) {
    case 'denied':
      return `deny ${deny.permission}`;
    case 'implied-by-denied':
      return `deny ${deny.permission} (which includes it)`;
    case 'implies-denied':
      return `deny ${deny.permission} (this permission includes ${deny.permission}, so it goes too)`;
  }
}

/**
 * The derivation of one decision as explain prints it, one line per step:
 * what granted the permission, then what removed it ("granted by nothing"
 * when no source grants it).
 */
export function describeDecision(explained: { grants: readonly Grant[]; denies: readonly Deny[] }): string[] {
  const lines = explained.grants.map((grant) => `granted by ${describeGrant(grant)}`);
  for (const deny of explained.denies) lines.push(`removed by ${describeDeny(deny)}`);
  if (explained.grants.length === 0) lines.push('granted by nothing');
  return lines;
}
