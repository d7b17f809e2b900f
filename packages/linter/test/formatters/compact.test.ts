import { formatters } from '@nano-access/linter';
import { context, diagnostic, result, sample } from '../helpers/results';

describe('compact formatter', () => {
  it('prints file:line:col: severity: message [rule-id], one per line', () => {
    expect(formatters.compact(sample, context)).toBe(
      'conf/config-access.toml:4:10: error: Unknown permission "walet": it is not in the nano catalog. Did you mean "wallet"? [unknown-permission]\n' +
        'conf/config-access.toml:7:6: warning: user #2 (…ss) has a weak id: 9 characters, fewer than 16. [weak-credential]\n',
    );
  });

  it('keeps a message with a line break or other control characters on its one line, escaped', () => {
    const out = formatters.compact(
      [result('a.toml', [diagnostic('unknown-role', 'error', 'Unknown role "\u001b[2J\nFORGED".', [1, 2, 1, 2])])],
      context,
    );
    expect(out).toBe('a.toml:1:2: error: Unknown role "\\u001b[2J\\u000aFORGED". [unknown-role]\n');
  });

  it('escapes Unicode bidi controls (a right-to-left override cannot reorder the line)', () => {
    const out = formatters.compact(
      [
        result('a\u2066.toml', [
          diagnostic('unknown-role', 'error', 'Unknown role "\u202eadmin\u200f".', [1, 2, 1, 2]),
        ]),
      ],
      context,
    );
    expect(out).toBe('a\\u2066.toml:1:2: error: Unknown role "\\u202eadmin\\u200f". [unknown-role]\n');
  });

  it('prints nothing for clean files', () => {
    expect(formatters.compact([result('a.toml', [])], context)).toBe('');
  });
});
