import type { AccessModel } from '@nano-access/parser';
import type { Policy } from '@nano-access/resolver';
import { describeDecision } from '../derivation-text';
import { maskId } from '../mask-id';

/** A column of the matrix: a user, never shown by its full id. */
export interface MatrixUser {
  /** "default" or "#3": short, for headers. */
  label: string;
  /** "the default user" or "user #3 (…c57)". */
  description: string;
  /** The id masked to its last characters; "" for the default user. */
  maskedId: string;
  /** The whole id: only when the matrix was built with `showIds`. */
  id?: string;
  isDefault: boolean;
  /** True for the default user a file without one behaves as if it had. */
  implicit: boolean;
}

/** Users × permissions, the default user first. */
export interface AccessMatrix {
  users: MatrixUser[];
  permissions: string[];
  /** allowed[permission][user]: the decision a server makes (Policy.check, one bit test each). */
  allowed: boolean[][];
  /**
   * How cell [permission][user] was decided, one line per step (Policy.explain):
   * what granted it, then what removed it. Computed on demand: explain is the
   * costly call, and only the json and html renderings need it.
   */
  derivation(permission: number, user: number): string[];
}

/**
 * Builds the access matrix of a compiled policy: what a server decides for
 * each user and each permission of the catalog, and (on demand) why. Users
 * are named by position and masked id, unless `showIds` asks for the ids.
 */
export function buildMatrix(model: AccessModel, policy: Policy, options: { showIds?: boolean } = {}): AccessMatrix {
  const configuredDefault = model.users.find((user) => user.isDefault);
  const users: { credentials: string; column: MatrixUser }[] = [
    {
      credentials: '',
      column: {
        label: 'default',
        description: configuredDefault ? 'the default user' : 'the default user (not configured: built-in defaults)',
        maskedId: '',
        isDefault: true,
        implicit: configuredDefault === undefined,
      },
    },
  ];
  for (const user of model.users) {
    if (user.isDefault) continue;
    const label = `#${user.index + 1}`;
    const column: MatrixUser = {
      label,
      description: `user ${label} (${maskId(user.id)})`,
      maskedId: maskId(user.id),
      isDefault: false,
      implicit: false,
    };
    if (options.showIds === true) {
      column.description = `user ${label} (${user.id})`;
      column.id = user.id;
    }
    users.push({ credentials: user.id, column });
  }
  const permissions = policy.catalog.permissions.map((p) => p.name);
  const allowed = permissions.map((permission) =>
    users.map(({ credentials }) => policy.check(credentials, permission)),
  );
  const derivation = (row: number, column: number): string[] => {
    const explained = policy.explain(users[column].credentials, permissions[row]).permission;
    return explained ? describeDecision(explained) : ['not in the catalog'];
  };
  return { users: users.map((u) => u.column), permissions, allowed, derivation };
}
