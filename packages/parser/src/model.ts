import type { Diagnostic, SourceRange } from './diagnostic';
import type { SourceText } from './source-text';
import type { UserColumns } from './user-columns';

/** A name written in the file (a permission or a role), with where it was written. */
export interface NameRef {
  name: string;
  range: SourceRange;
}

export interface RoleEntry {
  /** Position among the file's roles, 0-based. */
  index: number;
  id: string;
  /** The `id` value; the table header when the id is missing. */
  idRange: SourceRange;
  /** The role's table header (`[[role]]`) or inline table. */
  range: SourceRange;
  allow: NameRef[];
}

export interface UserEntry {
  /** Position among the file's users, 0-based. */
  index: number;
  /** The credentials (API key), exactly as written; "" for the default user. */
  id: string;
  /** True when `id` is absent or "". */
  isDefault: boolean;
  /** The `id` value, or the table header when `id` is absent. */
  idRange: SourceRange;
  /** The user's table header (`[[user]]`) or inline table. */
  range: SourceRange;
  roles: NameRef[];
  allow: NameRef[];
  deny: NameRef[];
  bare: boolean;
  /** The `bare` value, when written. */
  bareRange?: SourceRange;
}

/** The typed model of one access file. Names are not checked against a catalog here: the parser knows no semantics. */
export interface AccessModel {
  file: string;
  source: SourceText;
  roles: RoleEntry[];
  users: UserEntry[];
  /**
   * The same users as columns of numbers, when the file was read by the plain-file reader (a
   * file with nothing to report, in the plain form big files are written in): `compile` reads
   * these, and `users` is then built on first use. Not enumerable; absent otherwise.
   */
  readonly userColumns?: UserColumns;
}

export interface ParseResult {
  /** null only when the file is not TOML at all (a `toml-syntax` diagnostic says where). */
  model: AccessModel | null;
  /** Sorted by line, column, rule id. */
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /** The name diagnostics carry; default "config-access.toml". */
  file?: string;
}
