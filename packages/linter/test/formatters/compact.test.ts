import { formatters } from '@nano-access/linter';
import { context, diagnostic, result, sample } from '../helpers/results';

describe('compact formatter', () => {
  it('prints file:line:col: severity: message [rule-id], one per line', () => {
    expect(formatters.compact(sample, context)).toBe(
      'conf/config-access.toml:4:10: error: Unknown permission "walet": it is not in the nano catalog. Did you mean "wallet"? [unknown-permission]\n' +
        'conf/config-access.toml:7:6: warning: user #2 (…ss) has a weak id: 9 characters, fewer than 16. [weak-credential]\n',
    );
  });

  it('keeps a message with a line break on its one line', () => {
    const out = formatters.compact([result('a.toml', [diagnostic('toml-syntax', 'error', 'Not valid TOML:\nexpected ]', [1, 2, 1, 2])])], context);
    expect(out).toBe('a.toml:1:2: error: Not valid TOML: expected ] [toml-syntax]\n');
  });

  it('prints nothing for clean files', () => {
    expect(formatters.compact([result('a.toml', [])], context)).toBe('');
  });
});
