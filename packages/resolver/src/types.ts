import type { AccessModel, Diagnostic } from '@nano-access/parser';

/** One permission of a catalog. */
export interface CatalogPermission {
  name: string;
  description: string;
  /** Names of the permissions this one includes (a DAG). */
  implies: string[];
}

/**
 * An argument that widens a legacy action so that it needs control. It is off when absent or
 * exactly equal (same JSON type and value) to one of `off`; any other value needs control.
 */
export interface ControlArgument {
  readonly off: ReadonlyArray<string | number | boolean>;
}

/** A legacy RPC action (`{"action": …}`) and what it needs. */
export interface CatalogAction {
  /** The permission the action requires. */
  permission: string;
  /** A control action: the gateway needs enable_control, IPC encoding 1 refuses it (unsafe). */
  control: boolean;
  /** Arguments that make the action need control when they are not off (`process` `force`, `stats` `type`). */
  controlArguments?: Readonly<Record<string, ControlArgument>>;
  note?: string;
}

/**
 * A permission catalog, as data (validated against catalog.schema.json at load).
 * `unrestricted` is always present and implies every permission.
 */
export interface Catalog {
  name: string;
  permissions: CatalogPermission[];
  /** Built-in permissions of the default user. */
  defaults: string[];
  /** API message name → the permission it requires, or null for anyone (IsAlive). */
  messages: Record<string, string | null>;
  /** Legacy RPC action → its permission and control flag. */
  actions?: Record<string, CatalogAction>;
}

/** Who the credentials selected. */
export type UserKind = 'default' | 'user' | 'unknown';

/** Where a permission came from, in explain(). */
export type Grant =
  | { source: 'builtin-default' }
  | { source: 'inherited-default-user' }
  | { source: 'role'; role: string }
  | { source: 'allow' }
  | { source: 'implied'; by: string; via: Grant }
  | { source: 'unrestricted'; via: Grant };

/** A deny that removed a permission, in explain(). */
export type Deny =
  | { source: 'deny'; permission: string; reason: 'denied' | 'implied-by-denied' | 'implies-denied' }
  | { source: 'inherited-default-user-deny'; permission: string };

export interface PermissionExplanation {
  name: string;
  allowed: boolean;
  grants: Grant[];
  denies: Deny[];
}

export interface Explanation {
  user: { id: string; kind: UserKind; index?: number };
  /** Sorted names. */
  effective: string[];
  permission?: PermissionExplanation;
}

/**
 * Why check() said no, in explain()'s terms: no source grants the permission (`no-grant`), the
 * user's own deny removed it (`deny`), the default user's deny removed what the user inherited
 * from it (`default-user-deny`), the credentials match no user (`unknown-credentials`), or the
 * name is not in the catalog (`unknown-permission`).
 */
export type DenialReason = 'no-grant' | 'deny' | 'default-user-deny' | 'unknown-credentials' | 'unknown-permission';

/** check()'s answer with who asked and, for a denial, why: what a log line needs, without explain()'s derivation. */
export interface Decision {
  allowed: boolean;
  /** Who the credentials select; `index` is the position among the file's users (absent for an implicit default user). */
  user: { kind: UserKind; index?: number };
  /** Set when denied. */
  reason?: DenialReason;
  /** For `deny` and `default-user-deny`: the deny entry that removed the permission, as written. */
  deny?: string;
}

/** Credentials as a caller has them: absent or "" is the default user. */
export type Credentials = string | null | undefined;

/**
 * An immutable compiled policy. check() is one map lookup and one bit test;
 * roles are never consulted for a decision.
 */
export interface Policy<P extends string = string> {
  readonly catalog: Catalog;
  /** Number of configured users (the default user included when configured). */
  readonly userCount: number;
  check(credentials: Credentials, permission: P): boolean;
  /** The prepared form of a permission (prepare once, check many): its bit index, or -1 for a name not in the catalog. */
  permissionId(permission: P): number;
  /** check() with a permission prepared by permissionId(): one map lookup and one bit test. -1 is always false. */
  checkId(credentials: Credentials, permissionId: number): boolean;
  /** Throws on an empty list or a name not in the catalog (a programming error). */
  checkAll(credentials: Credentials, permissions: readonly P[]): boolean;
  checkAny(credentials: Credentials, permissions: readonly P[]): boolean;
  /** Sorted effective permission names. */
  effective(credentials: Credentials): P[];
  explain(credentials: Credentials, permission?: P): Explanation;
  /**
   * check() with who asked and why a denial (a log line per request can afford it; explain() it
   * cannot). `null` as the permission: anyone may (IsAlive); only the user is identified.
   */
  decide(credentials: Credentials, permission: P | null): Decision;
  /** Permission required by an API message; null = anyone; undefined = unknown message. */
  messagePermission(messageType: string): P | null | undefined;
  /** The legacy action's entry; undefined = unknown action. */
  action(action: string): CatalogAction | undefined;
}

/** Anything that holds the active policy (a PolicyStore, or a fixed policy in tests). */
export interface PolicySource<P extends string = string> {
  readonly current: Policy<P>;
}

export interface CompileResult<P extends string = string> {
  /** null when any diagnostic is an error: such a file is never activated. */
  policy: Policy<P> | null;
  /** Parser and compile diagnostics together, sorted. */
  diagnostics: Diagnostic[];
}

/** What loadPolicy returns: the compile result and the parsed model it came from. */
export interface LoadResult<P extends string = string> extends CompileResult<P> {
  /**
   * The parsed model (null only when the text is not TOML), for tools that
   * need source positions beside the policy (the linter) without parsing twice.
   */
  model: AccessModel | null;
}

export interface LoadOptions {
  /** File name carried by diagnostics. */
  file?: string;
  /** Default: the Nano catalog. */
  catalog?: Catalog;
}

export type { AccessModel, Diagnostic };
