import { escapeControlsInJson } from '@nano-access/parser';
import type { Formatter } from './formatter';

/**
 * ESLint-style JSON: one entry per file, each message with its 1-based
 * position. Suppressed findings are not listed (SARIF carries them). DEL and
 * C1 controls, which JSON leaves raw, are escaped too.
 */
export const json: Formatter = (results) =>
  `${escapeControlsInJson(
    JSON.stringify(
      results.map((result) => ({
        filePath: result.filePath,
        errorCount: result.errorCount,
        warningCount: result.warningCount,
        messages: result.messages.map((message) => ({
          ruleId: message.ruleId,
          severity: message.severity,
          message: message.message,
          line: message.span.start.line,
          column: message.span.start.column,
          endLine: message.span.end.line,
          endColumn: message.span.end.column,
        })),
      })),
    ),
  )}\n`;
