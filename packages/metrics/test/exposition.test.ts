import { escapeHelp, escapeLabelValue, family, formatValue, labelText, sampleLine } from '../src/exposition';

describe('the exposition format', () => {
  it('escapes a backslash, a double quote and a newline in a label value, and nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue("tab\there 'single' é")).toBe("tab\there 'single' é");
    expect(labelText(['name', 'outcome'], ['say "hi"\n', 'C:\\'])).toBe('name="say \\"hi\\"\\n",outcome="C:\\\\"');
  });

  it('escapes a backslash and a newline in help text, and leaves quotes alone', () => {
    expect(escapeHelp('a "quoted" \\ path\nsecond line')).toBe('a "quoted" \\\\ path\\nsecond line');
  });

  it('writes numbers as JavaScript does, and infinities and NaN as Prometheus does', () => {
    expect([0, 1, 0.0005, 2.5, -3, 1e21].map(formatValue)).toEqual(['0', '1', '0.0005', '2.5', '-3', '1e+21']);
    expect([Infinity, -Infinity, NaN].map(formatValue)).toEqual(['+Inf', '-Inf', 'NaN']);
    expect(formatValue('1764100000.500')).toBe('1764100000.500');
  });

  it('writes a sample with and without labels', () => {
    expect(sampleLine('up', '', 1)).toBe('up 1\n');
    expect(sampleLine('up', 'job="a"', 0)).toBe('up{job="a"} 0\n');
  });

  it('writes a family: HELP, TYPE, then its samples in the order given', () => {
    expect(
      family('x_total', 'counter', 'Things.', [
        { labels: { result: 'success' }, value: 2 },
        { labels: { result: 'fail"ure' }, value: 1 },
      ]),
    ).toBe(
      '# HELP x_total Things.\n# TYPE x_total counter\nx_total{result="success"} 2\nx_total{result="fail\\"ure"} 1\n',
    );
  });
});
