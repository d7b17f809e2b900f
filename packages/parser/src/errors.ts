import { defineErrorCodes, listErrorCodes, NanoAccessError, type ErrorCodeOf } from './nano-access-error';

/** Stable codes of the parser's errors (each has a section in docs/errors.md). */
export const ParserErrorCode = defineErrorCodes({
  /** parseTomlConfig was given a JSON Schema that does not compile. */
  schemaInvalid: 'NA_PARSER_SCHEMA_INVALID',
});

export type ParserErrorCode = ErrorCodeOf<typeof ParserErrorCode>;

/** Every code a ParserError can carry. */
export const errorCodes = listErrorCodes(ParserErrorCode);

/** Thrown for programmer errors only (bad input never throws). */
export class ParserError extends NanoAccessError<ParserErrorCode> {}
