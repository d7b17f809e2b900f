import { formatters } from '@nano-access/linter';
import { context, diagnostic, result, sample } from '../helpers/results';

describe('json formatter', () => {
  it('prints one entry per file with ESLint-shaped messages', () => {
    expect(JSON.parse(formatters.json(sample, context))).toEqual([
      {
        filePath: 'conf/config-access.toml',
        errorCount: 1,
        warningCount: 1,
        messages: [
          {
            ruleId: 'unknown-permission',
            severity: 'error',
            message: 'Unknown permission "walet": it is not in the nano catalog. Did you mean "wallet"?',
            line: 4,
            column: 10,
            endLine: 4,
            endColumn: 15,
          },
          {
            ruleId: 'weak-credential',
            severity: 'warning',
            message: 'user #2 (…ss) has a weak id: 9 characters, fewer than 16.',
            line: 7,
            column: 6,
            endLine: 7,
            endColumn: 17,
          },
        ],
      },
      { filePath: 'conf/config-access.clean.toml', errorCount: 0, warningCount: 0, messages: [] },
    ]);
  });

  it('escapes every control character, DEL and C1 included, keeping the values', () => {
    const message = 'Unknown role "\u001b[2J\u007f\u009b".';
    const out = formatters.json(
      [result('a.toml', [diagnostic('unknown-role', 'error', message, [1, 1, 1, 2])])],
      context,
    );
    expect(out.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect((JSON.parse(out) as { messages: { message: string }[] }[])[0].messages[0].message).toBe(message);
  });

  it('prints an empty array for no files', () => {
    expect(formatters.json([], context)).toBe('[]\n');
  });
});
