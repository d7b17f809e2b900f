import type { UserEntry } from '@nano-access/parser';
import { describeUserAt } from './mask-id';

/** How findings name a user: by position, with a masked id. */
export function describeUser(user: UserEntry): string {
  return describeUserAt(user.index, user.id, user.isDefault);
}
