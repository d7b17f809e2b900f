/** Thrown for programmer errors only (bad input never throws); `code` is stable and documented in docs/errors.md. */
export class ParserError extends Error {
  readonly code: ParserErrorCode;

  constructor(code: ParserErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParserError';
    this.code = code;
  }
}

export type ParserErrorCode = 'NA_PARSER_SCHEMA_INVALID';

/** Every code a ParserError can carry. */
export const errorCodes: readonly string[] = Object.freeze(['NA_PARSER_SCHEMA_INVALID']);
