import { defineErrorCodes, listErrorCodes, NanoAccessError, type ErrorCodeOf } from '@nano-access/parser';

/** Stable error codes of the resolver. Each has a section in docs/errors.md. */
export const ResolverErrorCode = defineErrorCodes({
  /** compile() or loadPolicy() was handed a catalog object that does not validate. */
  catalogInvalid: 'NA_CATALOG_INVALID',
  /** A catalog does not match catalog.schema.json. */
  catalogSchema: 'NA_CATALOG_SCHEMA',
  /** Two catalog permissions share a name. */
  catalogDuplicatePermission: 'NA_CATALOG_DUPLICATE_PERMISSION',
  /** A permission's implies names a permission the catalog does not have. */
  catalogUnknownImplies: 'NA_CATALOG_UNKNOWN_IMPLIES',
  /** implies is not a DAG (includes a permission implying unrestricted). */
  catalogImpliesCycle: 'NA_CATALOG_IMPLIES_CYCLE',
  /** defaults names a permission the catalog does not have. */
  catalogUnknownDefault: 'NA_CATALOG_UNKNOWN_DEFAULT',
  /** A message requires a permission the catalog does not have. */
  catalogUnknownMessagePermission: 'NA_CATALOG_UNKNOWN_MESSAGE_PERMISSION',
  /** An action requires a permission the catalog does not have. */
  catalogUnknownActionPermission: 'NA_CATALOG_UNKNOWN_ACTION_PERMISSION',
  /** checkAll/checkAny named a permission that is not in the catalog. */
  permissionUnknown: 'NA_PERMISSION_UNKNOWN',
  /** checkAll/checkAny was given an empty list. */
  permissionListEmpty: 'NA_PERMISSION_LIST_EMPTY',
  /** A PolicyTransfer could not be rebuilt into a policy (another catalog, missing or repeated ids), or exportPolicy() got a foreign policy. */
  policyTransferInvalid: 'NA_POLICY_TRANSFER_INVALID',
});

export type ResolverErrorCode = ErrorCodeOf<typeof ResolverErrorCode>;

/** Every code above, for the docs test and the CLI. */
export const errorCodes = listErrorCodes(ResolverErrorCode);

/**
 * A programming error in how the resolver was called (an empty permission
 * list, a permission name not in the catalog, an invalid catalog object).
 * Bad *input* (an access file, catalog JSON) never throws: it comes back as
 * diagnostics or catalog problems.
 */
export class PolicyError extends NanoAccessError<ResolverErrorCode> {}
