import { formatters } from '@nano-access/linter';
import { context, result, sample } from '../helpers/results';

// The message column is as wide as its widest message (the first); the trailing period is dropped.
const WIDEST = 'Unknown permission "walet": it is not in the nano catalog. Did you mean "wallet"?'.length;

describe('stylish formatter', () => {
  it('prints each file, aligned rows and a summary, without colour by default', () => {
    expect(formatters.stylish(sample, context)).toBe(
      [
        '',
        'conf/config-access.toml',
        '  4:10  error    Unknown permission "walet": it is not in the nano catalog. Did you mean "wallet"?  unknown-permission',
        `  7:6   warning  ${'user #2 (…ss) has a weak id: 9 characters, fewer than 16'.padEnd(WIDEST)}  weak-credential`,
        '',
        '✖ 2 problems (1 error, 1 warning)',
        '',
      ].join('\n'),
    );
  });

  it('colours severities and the summary only when asked', () => {
    const out = formatters.stylish(sample, { ...context, color: true });
    expect(out).toContain('\u001b[31merror  \u001b[0m');
    expect(out).toContain('\u001b[33mwarning\u001b[0m');
    expect(out).toContain('\u001b[1m\u001b[31m✖ 2 problems (1 error, 1 warning)\u001b[0m');
    expect(formatters.stylish(sample, context)).not.toContain('\u001b[');
  });

  it('prints nothing for a clean run', () => {
    expect(formatters.stylish([result('a.toml', [])], context)).toBe('');
  });
});
