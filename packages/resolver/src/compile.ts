import {
  sortDiagnostics,
  suggest,
  type AccessModel,
  type Diagnostic,
  type NameRef,
  type SourceRange,
  type UserEntry,
  type UserColumns,
  USER_FLAG,
  USER_LIST,
} from '@nano-access/parser';
import type { Catalog, CompileResult } from './types';
import type { TypedCatalog } from './typed-catalog';
import type { NanoPermission } from './catalogs/nano-permissions';
import { compiledCatalogOf, type CompiledCatalog } from './catalog/compiled-catalog';
import { nanoCatalog } from './nano-catalog';
import type { CompiledPolicy } from './compiled-policy';
import { IdList, orRow, PolicyBuilder, sortedDistinct, type ResolvedUser } from './policy-builder';
import { ownStrings } from './own-string';

/** List `list` of user u as ids (`idOf` maps a name's index to its id), made canonical. */
function fillList(out: IdList, columns: UserColumns, u: number, list: number, idOf: Int32Array): void {
  out.reset();
  const items = columns.itemNames;
  for (let i = columns.listStart(u, list); i < columns.listEnd(u, list); i++) out.push(idOf[items[i]]);
  out.canonical();
}

const { roles: ROLES, allow: ALLOW, deny: DENY } = USER_LIST;
const { default: USER_DEFAULT, bare: USER_BARE } = USER_FLAG;

/** Users whose ids are copied (ownStrings) in one batch: large enough to amortize, small enough to keep the copy's transient JSON small. */
const ID_BATCH = 2048;

/**
 * Resolves an access model against a catalog (docs/access-file.md, "Resolution") into an immutable
 * Policy. Reports `unknown-permission` and `unknown-role` at the name's span;
 * any error gives `policy: null`. Never throws on a parsed model (an invalid
 * catalog object is a programming error: PolicyError NA_CATALOG_INVALID).
 */
export function compile(model: AccessModel): CompileResult<NanoPermission>;
export function compile<P extends string>(model: AccessModel, catalog: TypedCatalog<P>): CompileResult<P>;
export function compile(model: AccessModel, catalog?: Catalog): CompileResult<string>;
export function compile(model: AccessModel, catalog: Catalog = nanoCatalog): CompileResult<string> {
  return new Compiler(model, compiledCatalogOf(catalog)).run();
}

class Compiler {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly words: number;
  private readonly roleIndex = new Map<string, number>();
  private readonly roleNames: string[] = [];
  private readonly roleAllow: Int32Array[] = [];
  /** Row r: closure of role r's allow. */
  private roleClosure = new Uint32Array(0);
  /** Filled by resolveUser() for one user at a time (the builder copies what it keeps). */
  private readonly resolved: ResolvedUser = {
    index: -1,
    isDefault: true,
    bare: false,
    roles: new IdList(),
    allow: new IdList(),
    deny: new IdList(),
  };

  constructor(
    private readonly model: AccessModel,
    private readonly cc: CompiledCatalog,
  ) {
    this.words = cc.words;
  }

  run(): CompileResult<string> {
    this.readRoles();
    const columns = this.model.userColumns;
    // After a role's error the policy is never built: the general path reports the users' errors too.
    if (columns !== undefined && this.diagnostics.length === 0) {
      const policy = this.fromColumns(columns);
      if (policy !== undefined) return { policy, diagnostics: [] };
    }
    const builder = new PolicyBuilder(this.cc, this.roleClosure, this.model.users.length);
    // The default user is the first default entry (the parser reports any other order),
    // or an implicit `[[user]] id = ""` with nothing but the built-in defaults.
    const defaultEntry = this.model.users.find((u) => u.isDefault);
    builder.placeDefault(defaultEntry ? this.resolveUser(defaultEntry) : this.implicitDefault());
    const users = this.model.users;
    for (let start = 0; start < users.length; start += ID_BATCH) {
      const batch = users.slice(start, start + ID_BATCH);
      // After the first error the policy is never built (no ids to copy); keep resolving only to report every error.
      const ownIds =
        this.diagnostics.length === 0 ? ownStrings(batch.map((user) => (user.isDefault ? '' : user.id))) : [];
      for (let i = 0; i < batch.length; i++) {
        if (batch[i] === defaultEntry) continue;
        const resolved = this.resolveUser(batch[i]);
        if (this.diagnostics.length === 0) builder.place(resolved, ownIds[i]);
      }
    }
    if (this.diagnostics.length > 0) return { policy: null, diagnostics: sortDiagnostics(this.diagnostics) };
    return { policy: builder.finish(this.roleNames, this.roleAllow, this.model.users.length), diagnostics: [] };
  }

  /**
   * The policy of a model read as columns (parser: readPlainFile): each distinct name is resolved
   * once, and users are read from the columns without any object per user. Undefined when a name
   * is unknown: the caller then resolves user by user, which reports each at its place.
   */
  private fromColumns(columns: UserColumns): CompiledPolicy<string> | undefined {
    const { names, count } = columns;
    const roleOf = new Int32Array(names.length);
    const permissionOf = new Int32Array(names.length);
    for (let n = 0; n < names.length; n++) {
      roleOf[n] = this.roleIndex.get(names[n]) ?? -1;
      permissionOf[n] = this.cc.ids.get(names[n]) ?? -1;
    }
    const items = columns.itemNames;
    for (let u = 0; u < count; u++) {
      for (let i = columns.listStart(u, ROLES); i < columns.listEnd(u, ROLES); i++) if (roleOf[items[i]] < 0) return;
      for (let i = columns.listStart(u, ALLOW); i < columns.listEnd(u, ALLOW); i++)
        if (permissionOf[items[i]] < 0) return;
      for (let i = columns.listStart(u, DENY); i < columns.listEnd(u, DENY); i++)
        if (permissionOf[items[i]] < 0) return;
    }
    // The parser's Map of ids is the policy's: each id a flat string of its own, with its slot.
    const builder = new PolicyBuilder(this.cc, this.roleClosure, count, columns.ids);
    const resolved = this.resolved;
    const fill = (u: number): ResolvedUser => {
      const flags = columns.flags[u];
      resolved.index = u;
      resolved.isDefault = (flags & USER_DEFAULT) !== 0;
      resolved.bare = (flags & USER_BARE) !== 0;
      fillList(resolved.roles, columns, u, ROLES, roleOf);
      fillList(resolved.allow, columns, u, ALLOW, permissionOf);
      fillList(resolved.deny, columns, u, DENY, permissionOf);
      return resolved;
    };
    // The default user is the first user when it is one (the plain-file reader takes no other order).
    const hasDefault = count > 0 && columns.isDefault(0);
    builder.placeDefault(hasDefault ? fill(0) : this.implicitDefault());
    for (let u = hasDefault ? 1 : 0; u < count; u++) builder.placeNext(fill(u));
    return builder.finish(this.roleNames, this.roleAllow, count);
  }

  private report(ruleId: string, messageId: string, message: string, range: SourceRange): void {
    this.diagnostics.push({
      ruleId,
      severity: 'error',
      message,
      messageId,
      file: this.model.file,
      span: this.model.source.span(range),
    });
  }

  /** Sorted, distinct permission ids; unknown names reported. */
  private permissionIds(refs: readonly NameRef[]): number[] {
    const ids: number[] = [];
    for (const ref of refs) {
      const id = this.permissionId(ref);
      if (id >= 0) ids.push(id);
    }
    return sortedDistinct(ids);
  }

  /** The permission ids of `refs` into `list` (reset first), made canonical; unknown names reported. */
  private permissionList(refs: readonly NameRef[], list: IdList): IdList {
    list.reset();
    for (let i = 0; i < refs.length; i++) {
      const id = this.permissionId(refs[i]);
      if (id >= 0) list.push(id);
    }
    return list.canonical();
  }

  /** The id of a permission name, or -1 (reported as unknown-permission). */
  private permissionId(ref: NameRef): number {
    const id = this.cc.ids.get(ref.name);
    if (id !== undefined) return id;
    const near = suggest(ref.name, this.cc.names);
    this.report(
      'unknown-permission',
      'unknownPermission',
      `Unknown permission "${ref.name}": it is not in the ${this.cc.catalog.name} catalog.${near ? ` Did you mean "${near}"?` : ''}`,
      ref.range,
    );
    return -1;
  }

  private readRoles(): void {
    for (const role of this.model.roles) {
      const allow = this.permissionIds(role.allow);
      // A missing or duplicate id is the parser's error; the first role of an id is the one users get.
      if (role.id === '' || this.roleIndex.has(role.id)) continue;
      this.roleIndex.set(role.id, this.roleNames.length);
      this.roleNames.push(role.id);
      this.roleAllow.push(Int32Array.from(allow));
    }
    const words = this.words;
    this.roleClosure = new Uint32Array(this.roleNames.length * words);
    this.roleAllow.forEach((allow, r) => {
      for (const id of allow) orRow(this.roleClosure, r * words, this.cc.closure, id * words, words);
    });
  }

  /** The user resolved into the compiler's one ResolvedUser: valid until the next call. */
  private resolveUser(user: UserEntry): ResolvedUser {
    const resolved = this.resolved;
    const roles = resolved.roles;
    roles.reset();
    for (let i = 0; i < user.roles.length; i++) {
      const ref = user.roles[i];
      const role = this.roleIndex.get(ref.name);
      if (role === undefined) {
        const near = suggest(ref.name, this.roleNames);
        this.report(
          'unknown-role',
          'unknownRole',
          `Unknown role "${ref.name}": no [[role]] has this id.${near ? ` Did you mean "${near}"?` : ''}`,
          ref.range,
        );
      } else roles.push(role);
    }
    roles.canonical();
    resolved.index = user.index;
    resolved.isDefault = user.isDefault;
    resolved.bare = user.bare;
    this.permissionList(user.allow, resolved.allow);
    this.permissionList(user.deny, resolved.deny);
    return resolved;
  }

  /** An implicit `[[user]] id = ""` with nothing but the built-in defaults. */
  private implicitDefault(): ResolvedUser {
    const resolved = this.resolved;
    resolved.index = -1;
    resolved.isDefault = true;
    resolved.bare = false;
    resolved.roles.reset();
    resolved.allow.reset();
    resolved.deny.reset();
    return resolved;
  }
}
