/**
 * The one error shape of nano-access. Bad input never throws (it is answered with diagnostics, an
 * error envelope or a closed connection); what throws is a programmer or setup error, as a
 * subclass of NanoAccessError whose `code` is one of its package's stable codes, each documented
 * in docs/errors.md. Every package declares its codes with defineErrorCodes in its src/errors.ts.
 */

/** The base of every error class of nano-access: `code` is stable, `name` is the subclass's name. */
export class NanoAccessError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A package's error codes: a camelCase name for each, its stable `NA_<PACKAGE>_<WHAT>` string as the value. */
export type ErrorCodeTable = Readonly<Record<string, `NA_${string}`>>;

/** The union of the codes of a table (the type of a package's error `code`). */
export type ErrorCodeOf<Table extends ErrorCodeTable> = Table[keyof Table];

/** Declares a package's error codes (the table, frozen; its literal types kept for `code`). */
export function defineErrorCodes<const Table extends ErrorCodeTable>(table: Table): Table {
  return Object.freeze(table);
}

/** Every code of a table, as the package exports it (`errorCodes`: the docs walker and its test read it). */
export function listErrorCodes(table: ErrorCodeTable): readonly string[] {
  return Object.freeze(Object.values(table));
}
