import { defineErrorCodes, listErrorCodes, NanoAccessError, ParserError, type ErrorCodeOf } from '@nano-access/parser';

const ExampleCode = defineErrorCodes({ first: 'NA_EXAMPLE_FIRST', second: 'NA_EXAMPLE_SECOND' });
type ExampleCode = ErrorCodeOf<typeof ExampleCode>;
class ExampleError extends NanoAccessError<ExampleCode> {}

describe('NanoAccessError, the one error shape', () => {
  it('carries its code, its message, its cause, and the name of its subclass', () => {
    const cause = new Error('underneath');
    const error = new ExampleError(ExampleCode.second, 'it went wrong', { cause });
    expect(error).toBeInstanceOf(NanoAccessError);
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, code: error.code, message: error.message, cause: error.cause }).toEqual({
      name: 'ExampleError',
      code: 'NA_EXAMPLE_SECOND',
      message: 'it went wrong',
      cause,
    });
    expect(new ParserError('NA_PARSER_SCHEMA_INVALID', 'x')).toBeInstanceOf(NanoAccessError);
  });
});

describe('defineErrorCodes and listErrorCodes', () => {
  it('give a frozen table and every code of it', () => {
    expect(Object.isFrozen(ExampleCode)).toBe(true);
    expect(listErrorCodes(ExampleCode)).toEqual(['NA_EXAMPLE_FIRST', 'NA_EXAMPLE_SECOND']);
    expect(Object.isFrozen(listErrorCodes(ExampleCode))).toBe(true);
  });
});
