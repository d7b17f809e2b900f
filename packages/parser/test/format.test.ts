import type { Diagnostic } from '../src/diagnostic';
import { compareDiagnostics, formatDiagnostic, hasErrors, sortDiagnostics } from '../src/format';

function diagnostic(
  file: string,
  line: number,
  column: number,
  ruleId: string,
  severity: 'error' | 'warning' = 'error',
): Diagnostic {
  const at = { line, column, offset: 0 };
  return { file, ruleId, severity, message: `${ruleId} here.`, span: { start: at, end: at } };
}

describe('formatDiagnostic', () => {
  it('writes file:line:col: severity: message [rule-id]', () => {
    expect(formatDiagnostic(diagnostic('config-access.toml', 3, 7, 'unknown-key'))).toBe(
      'config-access.toml:3:7: error: unknown-key here. [unknown-key]',
    );
  });

  it('escapes control characters of the message and the file name: one line, nothing for a terminal to obey', () => {
    const d = {
      ...diagnostic('a\u001b[2J.toml', 1, 1, 'unknown-role'),
      message: 'Unknown role "\u001b]0;x\u0007\nFORGED: ok\u009b".',
    };
    expect(formatDiagnostic(d)).toBe(
      'a\\u001b[2J.toml:1:1: error: Unknown role "\\u001b]0;x\\u0007\\u000aFORGED: ok\\u009b". [unknown-role]',
    );
  });
});

describe('sortDiagnostics', () => {
  it('orders by file, line, column, then rule id without changing its input', () => {
    const input = [
      diagnostic('b.toml', 1, 1, 'a'),
      diagnostic('a.toml', 2, 1, 'a'),
      diagnostic('a.toml', 1, 5, 'z'),
      diagnostic('a.toml', 1, 5, 'b'),
      diagnostic('a.toml', 1, 2, 'z'),
    ];
    const sorted = sortDiagnostics(input);
    expect(sorted.map((d) => `${d.file}:${d.span.start.line}:${d.span.start.column}:${d.ruleId}`)).toEqual([
      'a.toml:1:2:z',
      'a.toml:1:5:b',
      'a.toml:1:5:z',
      'a.toml:2:1:a',
      'b.toml:1:1:a',
    ]);
    expect(input[0].file).toBe('b.toml');
    expect(compareDiagnostics(input[3], input[3])).toBe(0);
  });
});

describe('hasErrors', () => {
  it('is true only when some diagnostic is an error', () => {
    expect(hasErrors([diagnostic('a', 1, 1, 'empty-item', 'warning')])).toBe(false);
    expect(hasErrors([diagnostic('a', 1, 1, 'empty-item', 'warning'), diagnostic('a', 1, 1, 'x')])).toBe(true);
  });
});
