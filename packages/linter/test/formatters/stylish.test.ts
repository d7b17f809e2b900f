import { formatters } from '@nano-access/linter';
import { STYLISH_ALIGN_WIDTH, STYLISH_MESSAGE_WIDTH } from '../../src/formatters/stylish';
import { context, diagnostic, result, sample } from '../helpers/results';

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

  it('escapes control characters of messages and file names: no forged line, nothing for the terminal to obey', () => {
    const forged = 'Unknown role "\u001b]0;owned\u0007\u001b[2J\nFORGED: api_wallet_create: allowed\u009b".';
    const out = formatters.stylish(
      [result('a\u001b[31m.toml', [diagnostic('unknown-role', 'error', forged, [3, 9, 3, 20])])],
      context,
    );
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out.split('\n').filter((line) => line.includes('FORGED'))).toEqual([
      '  3:9  error  Unknown role "\\u001b]0;owned\\u0007\\u001b[2J\\u000aFORGED: api_wallet_create: allowed\\u009b"  unknown-role',
    ]);
    expect(out).toContain('a\\u001b[31m.toml');
  });

  it('escapes Unicode bidi controls of messages and file names, so a name cannot reorder what is shown', () => {
    const bidi = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f';
    const out = formatters.stylish(
      [result(`b${bidi}.toml`, [diagnostic('unknown-role', 'error', `Unknown role "admin${bidi}".`, [3, 9, 3, 20])])],
      context,
    );
    const escaped = '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f';
    expect(out).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(out.split('\n').slice(1, 3)).toEqual([
      `b${escaped}.toml`,
      `  3:9  error  Unknown role "admin${escaped}"  unknown-role`,
    ]);
  });

  it('pads messages to at most the alignment width, and cuts a message at the message width', () => {
    const long = `Unknown permission "${'x'.repeat(5000)}".`;
    const rows = [
      diagnostic('unknown-permission', 'error', long, [1, 1, 1, 2]),
      diagnostic('unknown-key', 'error', 'short', [2, 1, 2, 2]),
    ];
    const lines = formatters.stylish([result('a.toml', rows)], context).split('\n');
    const longLine = lines.find((line) => line.includes('xxx'))!;
    expect(longLine).toContain(
      `${'x'.repeat(50)}… (${long.length - 1 - (STYLISH_MESSAGE_WIDTH - 1)} more characters; --format json prints it whole)  unknown-permission`,
    );
    expect(longLine.length).toBeLessThan(STYLISH_MESSAGE_WIDTH + 100);
    expect(lines.find((line) => line.includes('short'))).toBe(
      `  2:1  error  ${'short'.padEnd(STYLISH_ALIGN_WIDTH)}  unknown-key`,
    );
  });

  it('prints 200,000 findings of one file, the output growing with the findings', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) =>
      diagnostic('unknown-key', 'error', `Unknown key "k${i}" in [role].`, [i + 1, 1, i + 1, 2]),
    );
    const out = formatters.stylish([result('a.toml', rows)], context);
    expect(out.split('\n')).toHaveLength(200_000 + 5);
    expect(out.length).toBeLessThan(200_000 * 80);
  });

  it('prints nothing for a clean run', () => {
    expect(formatters.stylish([result('a.toml', [])], context)).toBe('');
  });
});
