import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes, MetricsErrorCode } from '@nano-access/metrics';

describe('metrics error codes', () => {
  it('lists every code of MetricsErrorCode, each documented in docs/errors.md under "Metrics"', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'errors.md'), 'utf8');
    const start = doc.indexOf('## Metrics (metrics)');
    const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(errorCodes).toEqual(['NA_METRICS_BAD_DEFINITION', 'NA_METRICS_BAD_INCREMENT']);
    expect(Object.values(MetricsErrorCode)).toEqual(errorCodes);
    for (const code of errorCodes) expect(section).toContain(`### ${code}\n`);
  });
});
