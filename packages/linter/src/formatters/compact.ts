import { escapeControls } from '@nano-access/parser';
import type { Formatter } from './formatter';

/**
 * `file:line:col: severity: message [rule-id]`, one finding per line: for
 * editors and problem matchers. Control characters of the file name and the
 * message are escaped, so each finding is one line whatever the file holds.
 */
export const compact: Formatter = (results) => {
  let out = '';
  for (const result of results) {
    const file = escapeControls(result.filePath);
    for (const message of result.messages) {
      const { line, column } = message.span.start;
      out += `${file}:${line}:${column}: ${message.severity}: ${escapeControls(message.message)} [${message.ruleId}]\n`;
    }
  }
  return out;
};
