import type { AccessModel } from '@nano-access/parser';
import type { Policy } from '@nano-access/resolver';
import { describeDeny, describeGrant } from '../derivation-text';
import { maskId } from '../mask-id';

/** A column of the matrix: a user, never shown by its full id. */
export interface MatrixUser {
  /** "default" or "#3": short, for headers. */
  label: string;
  /** "the default user" or "user #3 (…c57)". */
  description: string;
  /** The id masked to its last characters; "" for the default user. */
  maskedId: string;
  isDefault: boolean;
  /** True for the default user a file without one behaves as if it had. */
  implicit: boolean;
}

/** One cell: the decision and how it was reached. */
export interface MatrixCell {
  allowed: boolean;
  /** The derivation, one line each: what granted, then what removed. */
  derivation: string[];
}

/** Users × permissions, the default user first. */
export interface AccessMatrix {
  users: MatrixUser[];
  permissions: string[];
  /** cells[permission][user] */
  cells: MatrixCell[][];
}

/**
 * Builds the access matrix of a compiled policy from the resolver's
 * derivation (explain): what a server would decide for each user and each
 * permission of the catalog.
 */
export function buildMatrix(model: AccessModel, policy: Policy): AccessMatrix {
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
    users.push({
      credentials: user.id,
      column: { label, description: `user ${label} (${maskId(user.id)})`, maskedId: maskId(user.id), isDefault: false, implicit: false },
    });
  }
  const permissions = policy.catalog.permissions.map((p) => p.name);
  const cells = permissions.map((permission) =>
    users.map(({ credentials }) => {
      const explained = policy.explain(credentials, permission).permission;
      if (!explained) return { allowed: false, derivation: ['not in the catalog'] };
      const derivation = [
        ...explained.grants.map((g) => `granted by ${describeGrant(g)}`),
        ...explained.denies.map((d) => `removed by ${describeDeny(d)}`),
      ];
      if (explained.grants.length === 0) derivation.push('granted by nothing');
      return { allowed: explained.allowed, derivation };
    }),
  );
  return { users: users.map((u) => u.column), permissions, cells };
}
