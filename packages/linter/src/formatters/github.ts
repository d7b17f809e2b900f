import { escapeControls } from '@nano-access/parser';
import type { Formatter } from './formatter';
import { repoRelativePath } from './repo-path';
import { stylish } from './stylish';

/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), one
 * per finding, so that findings show as annotations on the pull request;
 * then the stylish report for the log, uncoloured (the runner's log is
 * not a terminal, but its viewer obeys ANSI escapes: control characters
 * from the file are escaped).
 */
export const github: Formatter = (results, context) => {
  let out = '';
  for (const result of results) {
    const file = escapeControls(repoRelativePath(result.filePath, context.cwd, context.repoRoot));
    for (const message of result.messages) {
      const { start, end } = message.span;
      const properties = [
        `file=${escapeProperty(file)}`,
        `line=${start.line}`,
        `col=${start.column}`,
        `endLine=${end.line}`,
        `endColumn=${end.column}`,
        `title=${escapeProperty(`nano-access ${message.ruleId}`)}`,
      ].join(',');
      out += `::${message.severity} ${properties}::${escapeData(escapeControls(message.message))}\n`;
    }
  }
  return out + stylish(results, { ...context, color: false });
};

/** The runner's escaping of a command's message: %, CR, LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The runner's escaping of a property value: also `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
