import fc from 'fast-check';

const PERMISSIONS = [
  'unrestricted',
  'wallet',
  'wallet_read',
  'wallet_write',
  'wallet_seed_change',
  'service',
  'api_service_stop',
  'account_query',
  'api_account_weight',
  'api_account_info',
  'epoch_upgrade',
];
const ROLES = ['ops', 'reader', 'root'];

const list = (max: number) => fc.subarray(PERMISSIONS, { maxLength: max }).map((names) => `"${names.join(', ')}"`);

/** Valid access files over a few related permissions: what the semantic rules judge. */
export const semanticFile = fc
  .tuple(
    fc.tuple(list(3), list(3), list(2)),
    fc.boolean(),
    fc.tuple(list(2), list(2), fc.boolean()),
    fc.array(fc.tuple(fc.subarray(ROLES, { maxLength: 2 }), list(3), list(3), fc.boolean()), { maxLength: 4 }),
  )
  .map(([roleAllows, hasDefault, [defaultAllow, defaultDeny, defaultBare], users]) => {
    const parts = ROLES.map((id, i) => `[[role]]\nid = "${id}"\nallow = ${roleAllows[i]}\n`);
    if (hasDefault) parts.push(`[[user]]\nallow = ${defaultAllow}\ndeny = ${defaultDeny}\nbare = ${defaultBare}\n`);
    users.forEach(([roles, allow, deny, bare], i) => {
      parts.push(
        `[[user]]\nid = "k${i}-6f0c2d5e9a8b4c1d7e3f"\nroles = "${roles.join(', ')}"\nallow = ${allow}\ndeny = ${deny}\nbare = ${bare}\n`,
      );
    });
    return parts.join('\n');
  });
