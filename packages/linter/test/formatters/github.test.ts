import { formatters } from '@nano-access/linter';
import { escapeData, escapeProperty } from '../../src/formatters/github';
import { context, diagnostic, result, sample } from '../helpers/results';

describe('github formatter', () => {
  it('prints one workflow command per finding, then the stylish report', () => {
    const out = formatters.github(sample, context);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      '::error file=conf/config-access.toml,line=4,col=10,endLine=4,endColumn=15,title=nano-access unknown-permission::Unknown permission "walet": it is not in the nano catalog. Did you mean "wallet"?',
    );
    expect(lines[1]).toBe(
      '::warning file=conf/config-access.toml,line=7,col=6,endLine=7,endColumn=17,title=nano-access weak-credential::user #2 (…ss) has a weak id: 9 characters, fewer than 16.',
    );
    expect(out.slice(lines[0].length + lines[1].length + 2)).toBe(
      formatters.stylish(sample, { ...context, color: false }),
    );
  });

  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('dir,x/a:b%.toml')).toBe('dir%2Cx/a%3Ab%25.toml');
    const out = formatters.github(
      [result('we,ird:name.toml', [diagnostic('toml-syntax', 'error', 'bad TOML 50%', [1, 1, 1, 2])])],
      context,
    );
    expect(out.split('\n')[0]).toBe(
      '::error file=we%2Cird%3Aname.toml,line=1,col=1,endLine=1,endColumn=2,title=nano-access toml-syntax::bad TOML 50%25',
    );
  });

  it('escapes control characters from the file (the log viewer obeys ANSI escapes), in annotations and in the log', () => {
    const out = formatters.github(
      [
        result('a\u009b.toml', [
          diagnostic('unknown-role', 'error', 'Unknown role "\u001b[2J\nFORGED".', [1, 1, 1, 2]),
        ]),
      ],
      context,
    );
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out.split('\n')[0]).toBe(
      '::error file=a\\u009b.toml,line=1,col=1,endLine=1,endColumn=2,title=nano-access unknown-role::Unknown role "\\u001b[2J\\u000aFORGED".',
    );
    expect(out).toContain('Unknown role "\\u001b[2J\\u000aFORGED"  unknown-role');
  });

  it('makes paths relative to the repository root', () => {
    const out = formatters.github(
      [result('/repo/sub/config-access.toml', [diagnostic('empty-user', 'warning', 'x', [1, 1, 1, 2])])],
      { ...context, cwd: '/repo/sub' },
    );
    expect(out).toMatch(/^::warning file=sub\/config-access.toml,/);
  });

  it('never colours (the runner log is not a terminal)', () => {
    expect(formatters.github(sample, { ...context, color: true })).not.toContain('\u001b[');
  });
});
