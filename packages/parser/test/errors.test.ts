import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes } from '../src/errors';

describe('parser error codes', () => {
  it('documents every code in docs/errors.md', () => {
    const docs = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'errors.md'), 'utf8');
    expect(errorCodes.length).toBeGreaterThan(0);
    for (const code of errorCodes) expect(docs).toContain(`### ${code}`);
  });
});
