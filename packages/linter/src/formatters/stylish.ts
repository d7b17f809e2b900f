import type { Formatter } from './formatter';

const ansi = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  underline: '\u001b[4m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
};

/**
 * For people: each file's path, then `line:col  severity  message  rule-id`
 * rows in aligned columns, then a summary line. Colour only when asked
 * (the CLI asks when the output is a terminal). Nothing at all for a clean run.
 */
export const stylish: Formatter = (results, context) => {
  const color = context.color === true;
  const paint = (codes: string, text: string): string => (color ? `${codes}${text}${ansi.reset}` : text);
  let out = '';
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    if (result.messages.length === 0) continue;
    errors += result.errorCount;
    warnings += result.warningCount;
    const rows = result.messages.map((m) => ({
      place: `${m.span.start.line}:${m.span.start.column}`,
      severity: m.severity,
      message: m.message.replace(/\r?\n/g, ' ').replace(/\.$/, ''),
      ruleId: m.ruleId,
    }));
    const placeWidth = Math.max(...rows.map((r) => r.place.length));
    const severityWidth = Math.max(...rows.map((r) => r.severity.length));
    const messageWidth = Math.max(...rows.map((r) => r.message.length));
    out += `\n${paint(ansi.underline, result.filePath)}\n`;
    for (const row of rows) {
      const severity = paint(row.severity === 'error' ? ansi.red : ansi.yellow, row.severity.padEnd(severityWidth));
      out += `  ${paint(ansi.dim, row.place.padEnd(placeWidth))}  ${severity}  ${row.message.padEnd(messageWidth)}  ${paint(ansi.dim, row.ruleId)}\n`;
    }
  }
  const total = errors + warnings;
  if (total === 0) return '';
  const summary = `✖ ${total} ${plural(total, 'problem')} (${errors} ${plural(errors, 'error')}, ${warnings} ${plural(warnings, 'warning')})`;
  out += `\n${paint(ansi.bold + (errors > 0 ? ansi.red : ansi.yellow), summary)}\n`;
  return out;
};

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
