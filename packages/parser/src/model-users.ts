import type { AccessModel, UserEntry } from './model';

/**
 * Readers of a model's users that take the plain-file reader's columns when the model has them.
 * `model.users` builds every user's object on first use (at a million users, ~3 s of CPU and
 * ~700 MB of heap); the linter's security rules, which a server runs on every reload, and the
 * reloader's redaction need only each id and the few users they report on.
 */

/** Calls `visit` with every user's index, id ("" for none) and whether it is the default user, in file order. */
export function forEachUserId(
  model: AccessModel,
  visit: (index: number, id: string, isDefault: boolean) => void,
): void {
  const columns = model.userColumns;
  if (columns !== undefined) {
    for (let u = 0; u < columns.count; u++) visit(u, columns.idOf(u), columns.isDefault(u));
    return;
  }
  const users = model.users;
  for (let u = 0; u < users.length; u++) visit(u, users[u].id, users[u].isDefault);
}

/** User `index` (as forEachUserId numbers them) as the model's object. */
export function userAt(model: AccessModel, index: number): UserEntry {
  const columns = model.userColumns;
  return columns !== undefined ? columns.user(index) : model.users[index];
}

/** The configured default user, if any. */
export function defaultUserOf(model: AccessModel): UserEntry | undefined {
  const columns = model.userColumns;
  if (columns === undefined) return model.users.find((user) => user.isDefault);
  // The plain-file reader takes a default user only as the first one.
  return columns.count > 0 && columns.isDefault(0) ? columns.user(0) : undefined;
}

/** Whether any user has an id (a credential), i.e. any user is not the default one. */
export function hasCredentialedUser(model: AccessModel): boolean {
  const columns = model.userColumns;
  if (columns === undefined) return model.users.some((user) => user.id !== '');
  return columns.count > (columns.count > 0 && columns.isDefault(0) ? 1 : 0);
}

/**
 * The index of the user whose id is `id` (not the default user's ""), or -1: through the columns'
 * Map of ids when the model has them, else through a Map built from `model.users` on first call.
 */
export function userIndexLookup(model: AccessModel | null): (id: string) => number {
  const columns = model?.userColumns;
  if (columns !== undefined) {
    return (id) => {
      if (id === '') return -1;
      const slot = columns.ids.get(id);
      return slot === undefined ? -1 : columns.userOfSlot(slot);
    };
  }
  let byId: Map<string, number> | undefined;
  return (id) => {
    if (byId === undefined) {
      byId = new Map();
      for (const user of model?.users ?? []) if (!user.isDefault && !byId.has(user.id)) byId.set(user.id, user.index);
    }
    return byId.get(id) ?? -1;
  };
}

/** The distinct lengths of the users' ids (the default user's "" is not one). */
export function userIdLengths(model: AccessModel | null): Set<number> {
  const lengths = new Set<number>();
  if (model === null) return lengths;
  const ids = model.userColumns?.ids;
  if (ids !== undefined) for (const id of ids.keys()) lengths.add(id.length);
  else for (const user of model.users) lengths.add(user.id.length);
  lengths.delete(0);
  return lengths;
}
