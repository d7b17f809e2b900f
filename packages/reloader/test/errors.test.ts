import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes } from '@nano-access/reloader';

describe('reloader error codes', () => {
  it('documents every code in docs/errors.md under "Reload"', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'errors.md'), 'utf8');
    const start = doc.indexOf('## Reload');
    const end = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, end === -1 ? undefined : end);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(errorCodes.length).toBeGreaterThan(0);
    for (const code of errorCodes) {
      expect(code).toMatch(/^NA_RELOAD_[A-Z0-9_]+$/);
      expect(section).toContain(`### ${code}`);
    }
  });
});
