import { sortDiagnostics, suggest, type AccessModel, type Diagnostic, type NameRef, type SourceRange } from '@nano-access/parser';
import type { Catalog, CompileResult } from './types';
import type { TypedCatalog } from './typed-catalog';
import type { NanoPermission } from './catalogs/nano-permissions';
import { compiledCatalogOf, type CompiledCatalog } from './catalog/compiled-catalog';
import { CompiledPolicy } from './compiled-policy';
import { PROFILE_BARE, PROFILE_DEFAULT } from './policy-tables';
import { nanoCatalog } from './nano-catalog';
import { ownString } from './own-string';

/**
 * Resolves an access model against a catalog (ACCESS.md §3) into an immutable
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

  constructor(
    private readonly model: AccessModel,
    private readonly cc: CompiledCatalog,
  ) {
    this.words = cc.words;
  }

  run(): CompileResult<string> {
    this.readRoles();
    const users = this.readUsers();
    if (this.diagnostics.length > 0) return { policy: null, diagnostics: sortDiagnostics(this.diagnostics) };
    return { policy: this.build(users), diagnostics: [] };
  }

  private report(ruleId: string, messageId: string, message: string, range: SourceRange): void {
    this.diagnostics.push({ ruleId, severity: 'error', message, messageId, file: this.model.file, span: this.model.source.span(range) });
  }

  /** Sorted, distinct permission ids; unknown names reported. */
  private permissionIds(refs: readonly NameRef[]): number[] {
    const ids: number[] = [];
    for (const ref of refs) {
      const id = this.cc.ids.get(ref.name);
      if (id === undefined) {
        const near = suggest(ref.name, this.cc.names);
        this.report('unknown-permission', 'unknownPermission', `Unknown permission "${ref.name}": it is not in the ${this.cc.catalog.name} catalog.${near ? ` Did you mean "${near}"?` : ''}`, ref.range);
      } else ids.push(id);
    }
    return sortedDistinct(ids);
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

  private readUsers(): ResolvedUser[] {
    const resolved: ResolvedUser[] = [];
    for (const user of this.model.users) {
      const roles: number[] = [];
      for (const ref of user.roles) {
        const role = this.roleIndex.get(ref.name);
        if (role === undefined) {
          const near = suggest(ref.name, this.roleNames);
          this.report('unknown-role', 'unknownRole', `Unknown role "${ref.name}": no [[role]] has this id.${near ? ` Did you mean "${near}"?` : ''}`, ref.range);
        } else roles.push(role);
      }
      resolved.push({
        id: user.isDefault ? '' : user.id,
        index: user.index,
        isDefault: user.isDefault,
        bare: user.bare,
        roles: sortedDistinct(roles),
        allow: this.permissionIds(user.allow),
        deny: this.permissionIds(user.deny),
      });
    }
    return resolved;
  }

  private build(users: ResolvedUser[]): CompiledPolicy<string> {
    const words = this.words;
    // The default user is the first default entry (the parser reports any other order),
    // or an implicit `[[user]] id = ""` with nothing but the built-in defaults.
    let defaultUser = users.find((u) => u.isDefault);
    const configuredDefault = defaultUser !== undefined;
    defaultUser ??= { id: '', index: -1, isDefault: true, bare: false, roles: [], allow: [], deny: [] };

    const slots = new Map<string, number>();
    const slotCount = users.length + (configuredDefault ? 0 : 1);
    const slotSet = new Int32Array(slotCount);
    const slotProfile = new Int32Array(slotCount);
    const slotUserIndex = new Int32Array(slotCount);
    const sets: number[] = [];
    const setIndex = new Map<string, number>();
    const profileIndex = new Map<string, number>();
    const profileStart: number[] = [];
    const profilePool: number[] = [];
    const scratch = new Uint32Array(words);
    let defaultSet = new Uint32Array(words);
    let slotsUsed = 0;

    const place = (user: ResolvedUser): void => {
      if (slots.has(user.id)) return; // a duplicate id: the parser's error; the first entry wins
      const key = profileKey(user);
      let profile = profileIndex.get(key);
      let setBase: number;
      if (profile === undefined) {
        profile = profileStart.length;
        profileIndex.set(key, profile);
        profileStart.push(profilePool.length);
        profilePool.push((user.bare ? PROFILE_BARE : 0) | (user.isDefault ? PROFILE_DEFAULT : 0));
        for (const list of [user.roles, user.allow, user.deny]) profilePool.push(list.length, ...list);
        this.effectiveSet(user, defaultSet, scratch);
        const setKey = scratch.join(',');
        const known = setIndex.get(setKey);
        if (known === undefined) {
          setBase = sets.length;
          setIndex.set(setKey, setBase);
          for (let w = 0; w < words; w++) sets.push(scratch[w]);
        } else setBase = known;
        profileSets.push(setBase);
      } else setBase = profileSets[profile];
      const slot = slotsUsed++;
      // ownString: an id sliced out of a large source would keep the whole source alive.
      slots.set(ownString(user.id), slot);
      slotSet[slot] = setBase;
      slotProfile[slot] = profile;
      slotUserIndex[slot] = user.index;
    };
    const profileSets: number[] = [];

    place(defaultUser);
    const defaultSlot = 0;
    defaultSet = Uint32Array.from(sets.slice(profileSets[0], profileSets[0] + words));
    for (const user of users) if (user !== defaultUser) place(user);

    return new CompiledPolicy({
      compiledCatalog: this.cc,
      slots,
      slotSet: slotSet.subarray(0, slotsUsed),
      slotProfile: slotProfile.subarray(0, slotsUsed),
      slotUserIndex: slotUserIndex.subarray(0, slotsUsed),
      defaultSlot,
      sets: Uint32Array.from(sets),
      profileStart: Int32Array.from(profileStart),
      profilePool: Int32Array.from(profilePool),
      roleNames: this.roleNames,
      roleAllow: this.roleAllow,
      userCount: users.length,
    });
  }

  /** ACCESS.md §3 for one user, into `out`. */
  private effectiveSet(user: ResolvedUser, defaultSet: Uint32Array, out: Uint32Array): void {
    const cc = this.cc;
    const words = this.words;
    if (user.bare) out.fill(0);
    else out.set(user.isDefault ? cc.defaults : defaultSet);
    for (const role of user.roles) orRow(out, 0, this.roleClosure, role * words, words);
    for (const id of user.allow) orRow(out, 0, cc.closure, id * words, words);
    for (const id of user.deny) {
      const row = id * words;
      for (let w = 0; w < words; w++) out[w] &= ~cc.denyClosure[row + w];
    }
  }
}

interface ResolvedUser {
  id: string;
  index: number;
  isDefault: boolean;
  bare: boolean;
  roles: number[];
  allow: number[];
  deny: number[];
}

function profileKey(user: ResolvedUser): string {
  return `${user.isDefault ? 'd' : 'u'}${user.bare ? 'b' : 'i'}${user.roles.join(',')}|${user.allow.join(',')}|${user.deny.join(',')}`;
}

function orRow(into: Uint32Array, intoBase: number, from: Uint32Array, fromBase: number, words: number): void {
  for (let w = 0; w < words; w++) into[intoBase + w] |= from[fromBase + w];
}

function sortedDistinct(ids: number[]): number[] {
  if (ids.length < 2) return ids;
  ids.sort((a, b) => a - b);
  let kept = 1;
  for (let i = 1; i < ids.length; i++) if (ids[i] !== ids[kept - 1]) ids[kept++] = ids[i];
  ids.length = kept;
  return ids;
}
