export type {
  Catalog,
  CatalogAction,
  CatalogPermission,
  ControlArgument,
  CompileResult,
  Credentials,
  Decision,
  DenialReason,
  Deny,
  Explanation,
  Grant,
  LoadOptions,
  LoadResult,
  PermissionExplanation,
  Policy,
  PolicySource,
  UserKind,
} from './types';
export type { CatalogLoadResult, CatalogProblem } from './catalog/load-catalog';
export type { TypedCatalog, PermissionOf } from './typed-catalog';
export type { TypedLoadOptions } from './load-policy';
export type { NanoPermission } from './catalogs/nano-permissions';
export { nanoPermissionNames } from './catalogs/nano-permissions';
export { loadCatalog, UNRESTRICTED } from './catalog/load-catalog';
export { nanoCatalog } from './nano-catalog';
export { compile } from './compile';
export { loadPolicy } from './load-policy';
export { CompiledPolicy } from './compiled-policy';
export { exportPolicy, PolicyAssembler, transferBuffers, TRANSFER_ID_CHUNK } from './policy-transfer';
export type { AssemblerOptions, PolicyTransfer } from './policy-transfer';
export { SHARD_ABOVE } from './credential-shards';
export { errorCodes, PolicyError, ResolverErrorCode } from './errors';
// The project's one error shape, for the packages that import the resolver and not the parser (protocol).
export { NanoAccessError, defineErrorCodes, listErrorCodes, type ErrorCodeOf } from '@nano-access/parser';
export { describeUserAt, maskId } from './mask-id';
