import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes, ParserError } from '../src/errors';

describe('parser error codes', () => {
  it('carries a stable code on ParserError', () => {
    const error = new ParserError('NA_PARSER_SCHEMA_INVALID', 'bad schema');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('NA_PARSER_SCHEMA_INVALID');
    expect(error.name).toBe('ParserError');
  });

  it('documents every code in docs/errors.md', () => {
    const docs = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'errors.md'), 'utf8');
    expect(errorCodes.length).toBeGreaterThan(0);
    for (const code of errorCodes) expect(docs).toContain(`### ${code}`);
  });
});
