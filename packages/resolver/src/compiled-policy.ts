import type { Catalog, CatalogAction, Credentials, Decision, Explanation, Policy } from './types';
import type { PolicyTables } from './policy-tables';
import { PolicyError, ResolverErrorCode } from './errors';
import { decide, effectiveNames, explain } from './explain';
import type { NameIndex } from './catalog/name-index';
import type { CredentialSlots } from './credential-shards';

/**
 * An immutable compiled policy. check() is one Map lookup for the
 * credentials (giving the offset of their effective set), one hash-table
 * lookup for the permission's bit, and one bit test: no roles, no allocation,
 * no try/catch.
 */
export class CompiledPolicy<P extends string = string> implements Policy<P> {
  readonly catalog: Catalog;
  readonly userCount: number;
  // The hot-path fields, read by check() and checkId().
  /** A Map, or ShardedSlots above SHARD_ABOVE ids (credential-shards.ts): the get() below is the same code either way. */
  private readonly slots: CredentialSlots;
  private readonly slotBase: Int32Array;
  private readonly sets: Uint32Array;
  private readonly ids: ReadonlyMap<string, number>;
  /** The same as `ids`, as a hash table built for the catalog's names (see NameIndex): check()'s name lookup. */
  private readonly names: NameIndex;
  private readonly tables: PolicyTables;

  constructor(tables: PolicyTables) {
    this.tables = tables;
    this.catalog = tables.compiledCatalog.catalog;
    this.userCount = tables.userCount;
    this.slots = tables.slots;
    this.slotBase = tables.slotBase;
    this.sets = tables.sets;
    this.ids = tables.compiledCatalog.ids;
    this.names = tables.compiledCatalog.nameIndex;
    Object.freeze(this);
  }

  /** True when the credentials' user has the permission. Unknown credentials or an unknown name: false. */
  check(credentials: Credentials, permission: P): boolean {
    // typeof: a non-string (a caller ignoring the types) is no name, and must not reach charCodeAt.
    const id = typeof permission === 'string' ? this.names.idOf(permission) : -1;
    const slot = this.slots.get(credentials ?? '');
    if (slot === undefined || id < 0) return false;
    return (this.sets[this.slotBase[slot] + (id >>> 5)] & (1 << (id & 31))) !== 0;
  }

  /**
   * The prepared form of a permission for checkId() (prepare once, check
   * many); -1 for a name not in the catalog, which checkId() always denies.
   */
  permissionId(permission: P): number {
    return this.ids.get(permission) ?? -1;
  }

  /** check() with a permission prepared by permissionId(). */
  checkId(credentials: Credentials, permissionId: number): boolean {
    const slot = this.slots.get(credentials ?? '');
    if (slot === undefined || permissionId < 0) return false;
    return (this.sets[this.slotBase[slot] + (permissionId >>> 5)] & (1 << (permissionId & 31))) !== 0;
  }

  /** True when the user has every permission. Throws PolicyError on an empty list or an unknown name. */
  checkAll(credentials: Credentials, permissions: readonly P[]): boolean {
    const ids = this.prepareList(permissions, 'checkAll');
    const base = this.setOf(credentials);
    if (base < 0) return false;
    for (const id of ids) if ((this.sets[base + (id >>> 5)] & (1 << (id & 31))) === 0) return false;
    return true;
  }

  /** True when the user has at least one of the permissions. Throws PolicyError on an empty list or an unknown name. */
  checkAny(credentials: Credentials, permissions: readonly P[]): boolean {
    const ids = this.prepareList(permissions, 'checkAny');
    const base = this.setOf(credentials);
    if (base < 0) return false;
    for (const id of ids) if ((this.sets[base + (id >>> 5)] & (1 << (id & 31))) !== 0) return true;
    return false;
  }

  /** The user's effective permissions, sorted by name; [] for unknown credentials. */
  effective(credentials: Credentials): P[] {
    const base = this.setOf(credentials);
    return base < 0 ? [] : (effectiveNames(this.tables, base).slice() as P[]);
  }

  /** Which user the credentials select, their effective set, and how `permission` was granted or denied. */
  explain(credentials: Credentials, permission?: P): Explanation {
    return explain(this.tables, credentials, permission);
  }

  /**
   * check() with who asked and, for a denial, why (explain's terms, without its derivation): the
   * same lookup as check(), plus a walk of the user's own lists on a denial.
   */
  decide(credentials: Credentials, permission: P | null): Decision {
    return decide(this.tables, credentials, permission);
  }

  messagePermission(messageType: string): P | null | undefined {
    return this.tables.compiledCatalog.messages.get(messageType) as P | null | undefined;
  }

  action(action: string): CatalogAction | undefined {
    return this.tables.compiledCatalog.actions.get(action);
  }

  private setOf(credentials: Credentials): number {
    const slot = this.slots.get(credentials ?? '');
    return slot === undefined ? -1 : this.slotBase[slot];
  }

  private prepareList(permissions: readonly P[], method: string): number[] {
    if (permissions.length === 0) {
      throw new PolicyError(ResolverErrorCode.permissionListEmpty, `${method}() needs at least one permission`);
    }
    const ids: number[] = [];
    for (const name of permissions) {
      const id = this.ids.get(name);
      if (id === undefined) {
        throw new PolicyError(
          ResolverErrorCode.permissionUnknown,
          `${method}(): "${String(name)}" is not a permission of catalog "${this.catalog.name}"`,
        );
      }
      ids.push(id);
    }
    return ids;
  }
}

/** The tables of a compiled policy (for exportPolicy: a policy sent to another thread). */
export function policyTables(policy: CompiledPolicy): PolicyTables {
  return policy['tables'];
}
