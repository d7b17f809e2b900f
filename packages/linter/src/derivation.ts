import type { Grant } from '@nano-access/resolver';

/** Where a grant starts: the built-in defaults, the default user, a role, or the user's own allow. */
export type GrantOrigin = Exclude<Grant, { source: 'implied' } | { source: 'unrestricted' }>;

/** A grant read from explain(): where it starts, and which written permission it goes through. */
export interface GrantRoot {
  origin: GrantOrigin;
  /** The permission as written in the origin (an allow item, a role's allow): undefined when it is the permission itself. */
  through: string | undefined;
}

/**
 * Follows a grant of explain() back to its origin. explain() nests
 * `implied` and `unrestricted` grants around the origin, innermost being the
 * permission actually written.
 */
export function rootOf(grant: Grant): GrantRoot {
  let through: string | undefined;
  let at: Grant = grant;
  while (at.source === 'implied' || at.source === 'unrestricted') {
    through = at.source === 'implied' ? at.by : 'unrestricted';
    at = at.via;
  }
  return { origin: at, through };
}

/** Credentials that select a user in explain(): "" for the default user, its id otherwise. */
export function credentialsOf(user: { id: string; isDefault: boolean }): string {
  return user.isDefault ? '' : user.id;
}
