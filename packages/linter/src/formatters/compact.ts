import type { Formatter } from './formatter';

/** `file:line:col: severity: message [rule-id]`, one finding per line: for editors and problem matchers. */
export const compact: Formatter = (results) => {
  let out = '';
  for (const result of results) {
    for (const message of result.messages) {
      const { line, column } = message.span.start;
      out += `${result.filePath}:${line}:${column}: ${message.severity}: ${oneLine(message.message)} [${message.ruleId}]\n`;
    }
  }
  return out;
};

/** A message is one line in this format, whatever it says. */
function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}
