import type { AccessModel, NameRef, UserEntry } from '@nano-access/parser';
import {
  UNRESTRICTED,
  type Catalog,
  type Deny,
  type Grant,
  type PermissionExplanation,
  type Policy,
} from '@nano-access/resolver';
import { rootOf } from '../derivation';
import { describeDeny, describeGrant } from '../derivation-text';
import { describeUserAt } from '../mask-id';

/** One compiled access file and the model it came from (for positions and role lists). */
export interface DiffSide {
  /** The name the reports give the file (a path, or `REV:PATH`). */
  file: string;
  model: AccessModel;
  policy: Policy;
}

/** A permission a user gained or lost, and why, in explain's words. */
export interface PermissionChange {
  permission: string;
  because: string;
}

export type UserChangeStatus = 'changed' | 'added' | 'removed';

/** What changed for one user. Users with no change are not listed. */
export interface UserChange {
  /** "the default user" or "user #3 (…c57)": NEW's position, OLD's for a removed user. */
  user: string;
  status: UserChangeStatus;
  isDefault: boolean;
  /**
   * 1-based line of the user's `[[user]]` in NEW (in OLD for a removed user);
   * undefined for a default user the file does not configure.
   */
  line: number | undefined;
  /** Sorted by name. */
  gained: PermissionChange[];
  /** Sorted by name. */
  lost: PermissionChange[];
}

/** Who gains and loses what between two access files. */
export interface PolicyDiff {
  oldFile: string;
  newFile: string;
  /** The default user first, then in file order (a removed user where it stood in OLD). */
  users: UserChange[];
  /** Role changes that change no user's effective set, e.g. "role reader: allow changed". */
  noEffect: string[];
}

/**
 * Compares the effective permission sets of two compiled access files, user
 * by user (users are matched by id, the default user with the default
 * user), and explains each change with the resolver's derivation. Both
 * policies must be compiled against one catalog. Pure: no I/O.
 */
export function diffPolicies(old: DiffSide, next: DiffSide): PolicyDiff {
  return new PolicyDiffer(old, next).run();
}

/** One diff: the two sides, their default users and the roles whose allow changed. */
class PolicyDiffer {
  private readonly changedRoles: Map<string, string>;
  private readonly oldDefault: UserEntry | undefined;
  private readonly newDefault: UserEntry | undefined;

  constructor(
    private readonly old: DiffSide,
    private readonly next: DiffSide,
  ) {
    this.changedRoles = roleChanges(old.model, next.model);
    this.oldDefault = old.model.users.find((user) => user.isDefault);
    this.newDefault = next.model.users.find((user) => user.isDefault);
  }

  run(): PolicyDiff {
    const { old, next } = this;
    const oldById = new Map<string, UserEntry>();
    for (const user of old.model.users) if (!user.isDefault) oldById.set(user.id, user);

    const defaultChange = this.compareUser('', this.oldDefault, this.newDefault);
    const inherited = new InheritedChange(old.policy, next.policy, defaultChange);

    // NEW's users in file order, each with its change (null: none).
    const newChanges: (UserChange | null)[] = [];
    const newIndexById = new Map<string, number>();
    for (const user of next.model.users) {
      if (user.isDefault) continue;
      newIndexById.set(user.id, newChanges.length);
      const before = oldById.get(user.id);
      let change: UserChange | null;
      if (!before) change = this.addedUser(user);
      else if (sameEntry(before, user) && !this.usesChangedRole(user)) {
        // Same entry, same roles: only what it inherits from the default user can differ.
        change = user.bare || inherited.isEmpty ? null : this.compareInherited(user.id, before, user, inherited);
      } else change = this.compareUser(user.id, before, user);
      newChanges.push(change);
    }
    // A removed user is listed where it stood in OLD: after the last user before it that NEW kept.
    const removedAfter = new Map<number, UserChange[]>();
    let anchor = -1;
    for (const user of old.model.users) {
      if (user.isDefault) continue;
      const kept = newIndexById.get(user.id);
      if (kept !== undefined) {
        anchor = Math.max(anchor, kept);
        continue;
      }
      const list = removedAfter.get(anchor);
      if (list) list.push(this.removedUser(user));
      else removedAfter.set(anchor, [this.removedUser(user)]);
    }

    const users: UserChange[] = [];
    if (defaultChange) users.push(defaultChange);
    for (const removed of removedAfter.get(-1) ?? []) users.push(removed);
    for (let i = 0; i < newChanges.length; i++) {
      const change = newChanges[i];
      if (change) users.push(change);
      const removed = removedAfter.get(i);
      if (removed) for (const r of removed) users.push(r);
    }

    const noEffect: string[] = [];
    for (const [role, what] of this.changedRoles) if (!this.roleHasEffect(role)) noEffect.push(`role ${role}: ${what}`);
    return { oldFile: old.file, newFile: next.file, users, noEffect };
  }

  /** A user in both files (or the default user, configured or not): its whole effective sets compared. */
  private compareUser(
    credentials: string,
    before: UserEntry | undefined,
    after: UserEntry | undefined,
  ): UserChange | null {
    const was = this.old.policy.effective(credentials);
    const now = this.next.policy.effective(credentials);
    if (sameNames(was, now)) return null;
    const gained: string[] = [];
    const lost: string[] = [];
    let i = 0;
    let j = 0;
    // Both lists are sorted by name: one merge walk.
    while (i < was.length || j < now.length) {
      if (j >= now.length || (i < was.length && was[i] < now[j])) lost.push(was[i++]);
      else if (i >= was.length || now[j] < was[i]) gained.push(now[j++]);
      else {
        i++;
        j++;
      }
    }
    return this.changed(credentials, before, after, gained, lost);
  }

  /**
   * A user whose own entry and roles did not change: its set can differ
   * only in what the default user gained or lost, so only those bits are read.
   */
  private compareInherited(
    credentials: string,
    before: UserEntry,
    after: UserEntry,
    inherited: InheritedChange,
  ): UserChange | null {
    const gained: string[] = [];
    const lost: string[] = [];
    const { names, oldIds, newIds } = inherited;
    for (let k = 0; k < names.length; k++) {
      const was = this.old.policy.checkId(credentials, oldIds[k]);
      const now = this.next.policy.checkId(credentials, newIds[k]);
      if (was && !now) lost.push(names[k]);
      else if (now && !was) gained.push(names[k]);
    }
    if (gained.length === 0 && lost.length === 0) return null;
    return this.changed(credentials, before, after, gained, lost, inherited.because);
  }

  /**
   * The change of a user present in both files, each permission explained.
   * `shared`: derivations that are the same for every user reaching here
   * (see InheritedChange), computed by explain for the first one.
   */
  private changed(
    credentials: string,
    before: UserEntry | undefined,
    after: UserEntry | undefined,
    gainedNames: readonly string[],
    lostNames: readonly string[],
    shared?: Map<string, string>,
  ): UserChange {
    const oldMayDeny = this.mayDeny(before, this.oldDefault);
    const entry = after ?? before;
    const explained = (permission: string, sign: '+' | '-'): PermissionChange => {
      const key = sign + permission;
      const known = shared?.get(key);
      if (known !== undefined) return { permission, because: known };
      const change =
        sign === '+'
          ? this.gainedPermission(credentials, permission, oldMayDeny)
          : this.lostPermission(credentials, permission);
      shared?.set(key, change.because);
      return change;
    };
    return {
      user: entry ? describeUserAt(entry.index, entry.id, entry.isDefault) : describeUserAt(0, '', true),
      status: 'changed',
      isDefault: credentials === '',
      line: after ? lineOf(this.next, after) : undefined,
      gained: gainedNames.map((permission) => explained(permission, '+')),
      lost: lostNames.map((permission) => explained(permission, '-')),
    };
  }

  private usesChangedRole(user: UserEntry): boolean {
    if (this.changedRoles.size === 0) return false;
    for (const role of user.roles) if (this.changedRoles.has(role.name)) return true;
    return false;
  }

  private gainedPermission(credentials: string, permission: string, oldMayDeny: boolean): PermissionChange {
    const now = explainOne(this.next.policy, credentials, permission);
    let because = grantLines(now.grants);
    // OLD is asked only when it can add something: a deny that went.
    if (oldMayDeny) {
      const was = explainOne(this.old.policy, credentials, permission);
      // A grant that was there all along, freed by a deny that went: say which.
      if (was.denies.length > 0) because += ` (was: ${denyLines(was.denies)})`;
    }
    return { permission, because };
  }

  private lostPermission(credentials: string, permission: string): PermissionChange {
    const now = explainOne(this.next.policy, credentials, permission);
    if (now.denies.length > 0) return { permission, because: denyLines(now.denies) };
    const was = explainOne(this.old.policy, credentials, permission);
    return { permission, because: `granted by nothing (was: ${grantLines(was.grants)})` };
  }

  private addedUser(user: UserEntry): UserChange {
    const gained = this.next.policy.effective(user.id).map((permission) => {
      const now = explainOne(this.next.policy, user.id, permission);
      return { permission, because: grantLines(now.grants) };
    });
    return {
      user: describeUserAt(user.index, user.id, false),
      status: 'added',
      isDefault: false,
      line: lineOf(this.next, user),
      gained,
      lost: [],
    };
  }

  private removedUser(user: UserEntry): UserChange {
    const lost = this.old.policy.effective(user.id).map((permission) => {
      const was = explainOne(this.old.policy, user.id, permission);
      return { permission, because: `was: ${grantLines(was.grants)}` };
    });
    return {
      user: describeUserAt(user.index, user.id, false),
      status: 'removed',
      isDefault: false,
      line: lineOf(this.old, user),
      gained: [],
      lost,
    };
  }

  /** Whether a deny can touch this user in a file: its own, or (when it inherits) the default user's. */
  private mayDeny(user: UserEntry | undefined, defaultUser: UserEntry | undefined): boolean {
    if (user && user.deny.length > 0) return true;
    return !(user?.isDefault ?? true) && !user!.bare && defaultUser !== undefined && defaultUser.deny.length > 0;
  }

  /**
   * Whether undoing a role's change would change some user's effective set
   * in NEW. Only users adopting the role in NEW can be touched, and only in
   * the permissions the change adds to or removes from the role's closure:
   * one the role now grants matters if the user has it from that role
   * alone; one it no longer grants matters if nothing of the user's own
   * removes it. (A change of the default user's set reaches the others;
   * the default user is one of the users looked at.)
   */
  private roleHasEffect(role: string): boolean {
    const catalog = this.next.policy.catalog;
    const before = closureOf(allowOf(this.old.model, role), catalog);
    const after = closureOf(allowOf(this.next.model, role), catalog);
    const added = [...after].filter((p) => !before.has(p));
    const removed = [...before].filter((p) => !after.has(p));
    if (added.length === 0 && removed.length === 0) return false;
    const policy = this.next.policy;
    for (const user of this.next.model.users) {
      if (!user.roles.some((ref) => ref.name === role)) continue;
      const credentials = user.isDefault ? '' : user.id;
      for (const permission of added) {
        if (!policy.check(credentials, permission)) continue;
        const { grants } = explainOne(policy, credentials, permission);
        if (grants.every((grant) => roleOf(grant) === role)) return true;
      }
      for (const permission of removed) {
        if (policy.check(credentials, permission)) continue;
        const { denies } = explainOne(policy, credentials, permission);
        if (!denies.some((deny) => deny.source === 'deny')) return true;
      }
    }
    return false;
  }
}

/**
 * What the default user gained or lost, sorted, with each name's bit in
 * either policy; and the derivations of those changes for users whose own
 * entry and roles did not change. Those are the same for every such user:
 * by the resolution rule (docs/access-file.md), a permission such a user
 * gains is granted only by inheritance (its own grants would have given it
 * before, its own denies would still remove it), and one it loses had only
 * that grant; what else explain says of it (a deny of the default user) is
 * about the default user alone. A property test checks this against
 * explain for every user.
 */
class InheritedChange {
  readonly names: string[];
  readonly oldIds: number[];
  readonly newIds: number[];
  /** "+name" / "-name" → because. */
  readonly because = new Map<string, string>();

  constructor(old: Policy, next: Policy, defaultChange: UserChange | null) {
    this.names = defaultChange ? [...defaultChange.gained, ...defaultChange.lost].map((c) => c.permission).sort() : [];
    this.oldIds = this.names.map((name) => old.permissionId(name));
    this.newIds = this.names.map((name) => next.permissionId(name));
  }

  get isEmpty(): boolean {
    return this.names.length === 0;
  }
}

/** The same bare flag, roles, allow and deny (as sets of names, whatever their order or form). */
function sameEntry(a: UserEntry, b: UserEntry): boolean {
  return a.bare === b.bare && sameRefs(a.roles, b.roles) && sameRefs(a.allow, b.allow) && sameRefs(a.deny, b.deny);
}

function sameRefs(a: readonly NameRef[], b: readonly NameRef[]): boolean {
  if (a.length === b.length) {
    let inOrder = true;
    for (let i = 0; i < a.length && inOrder; i++) inOrder = a[i].name === b[i].name;
    if (inOrder) return true;
  }
  return sameNames([...new Set(a.map((r) => r.name))].sort(), [...new Set(b.map((r) => r.name))].sort());
}

/** The role a grant starts from, if it starts from a role. */
function roleOf(grant: Grant): string | undefined {
  const { origin } = rootOf(grant);
  return origin.source === 'role' ? origin.role : undefined;
}

/** A role's allow names in a file; none when the file has no such role. */
function allowOf(model: AccessModel, role: string): string[] {
  const entry = model.roles.find((r) => r.id === role);
  return entry ? entry.allow.map((ref) => ref.name) : [];
}

/** Names and everything they imply, by the catalog's implies lists (`unrestricted` implies every permission). */
function closureOf(names: readonly string[], catalog: Catalog): Set<string> {
  const implies = new Map(catalog.permissions.map((p) => [p.name, p.implies]));
  if (names.includes(UNRESTRICTED)) return new Set(implies.keys());
  const closure = new Set<string>();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (closure.has(name) || !implies.has(name)) continue;
    closure.add(name);
    pending.push(...implies.get(name)!);
  }
  return closure;
}

function explainOne(policy: Policy, credentials: string, permission: string): PermissionExplanation {
  const explained = policy.explain(credentials, permission).permission;
  // explain() always answers for a permission it was asked about.
  return explained ?? { name: permission, allowed: false, grants: [], denies: [] };
}

/** explain's "granted by …" lines of a permission a user holds, joined. */
function grantLines(grants: readonly Grant[]): string {
  return grants.length === 0
    ? 'granted by nothing'
    : grants.map((grant) => `granted by ${describeGrant(grant)}`).join('; ');
}

/** explain's "removed by …" lines, joined. */
function denyLines(denies: readonly Deny[]): string {
  return denies.map((deny) => `removed by ${describeDeny(deny)}`).join('; ');
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function lineOf(side: DiffSide, user: UserEntry): number {
  return side.model.source.positionAt(user.range.start).line;
}

/** Roles added, removed or with a different allow list (as a set of names): role id → what changed. */
function roleChanges(old: AccessModel, next: AccessModel): Map<string, string> {
  const before = allowByRole(old);
  const after = allowByRole(next);
  const changes = new Map<string, string>();
  for (const [role, allow] of after) {
    const was = before.get(role);
    if (was === undefined) changes.set(role, 'added');
    else if (was !== allow) changes.set(role, 'allow changed');
  }
  for (const role of before.keys()) if (!after.has(role)) changes.set(role, 'removed');
  return changes;
}

function allowByRole(model: AccessModel): Map<string, string> {
  const roles = new Map<string, string>();
  for (const role of model.roles) {
    if (roles.has(role.id)) continue;
    roles.set(role.id, [...new Set(role.allow.map((ref) => ref.name))].sort().join('\u0000'));
  }
  return roles;
}
