import { escapeControls } from '@nano-access/parser';
import type { Formatter } from './formatter';

const ansi = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  underline: '\u001b[4m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
};

/** Messages are aligned up to this width; a longer one is not padded (so the output grows with the findings, not with their product). */
export const STYLISH_ALIGN_WIDTH = 100;
/** A message is printed up to this many characters, then cut with a note (the json and sarif formats print it whole). */
export const STYLISH_MESSAGE_WIDTH = 400;

/**
 * For people: each file's path, then `line:col  severity  message  rule-id`
 * rows in aligned columns, then a summary line. Colour only when asked
 * (the CLI asks when the output is a terminal). Nothing at all for a clean run.
 * What comes from the file (its name, messages that quote it) has its control
 * characters escaped, and a message its width capped.
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
      message: printable(m.message),
      ruleId: m.ruleId,
    }));
    // Loops, not Math.max(...rows): a spread of 100,000 rows overflows the call stack.
    let placeWidth = 0;
    let severityWidth = 0;
    let messageWidth = 0;
    for (const row of rows) {
      placeWidth = Math.max(placeWidth, row.place.length);
      severityWidth = Math.max(severityWidth, row.severity.length);
      messageWidth = Math.max(messageWidth, Math.min(row.message.length, STYLISH_ALIGN_WIDTH));
    }
    out += `\n${paint(ansi.underline, escapeControls(result.filePath))}\n`;
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

/** Without its final period, controls escaped (so one line), cut at STYLISH_MESSAGE_WIDTH. */
function printable(message: string): string {
  const line = escapeControls(message.replace(/\.$/, ''));
  if (line.length <= STYLISH_MESSAGE_WIDTH) return line;
  const cut = line.slice(0, STYLISH_MESSAGE_WIDTH - 1);
  // Never end between the two halves of a surrogate pair.
  const kept = /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
  return `${kept}… (${line.length - kept.length} more characters; --format json prints it whole)`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
