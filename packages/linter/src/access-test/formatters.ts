import { escapeData, escapeProperty } from '../formatters/github';
import { repoRelativePath } from '../formatters/repo-path';
import { escapeControls, escapeControlsInJson } from '@nano-access/parser';
import type { AccessTestMessage, AccessTestResult } from './run-access-test';

/** What a test-report formatter may know besides the results. Formatters do no I/O. */
export interface AccessTestFormatterContext {
  cwd: string;
  /** For github's repository-relative paths; default cwd. */
  repoRoot?: string;
  /** Colour (ANSI) in `stylish`. */
  color?: boolean;
}

export type AccessTestFormatter = (results: readonly AccessTestResult[], context: AccessTestFormatterContext) => string;
export type AccessTestFormatName = 'stylish' | 'json' | 'compact' | 'github';
export const accessTestFormatNames: readonly AccessTestFormatName[] = ['stylish', 'json', 'compact', 'github'];

const ansi = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  underline: '\u001b[4m',
  red: '\u001b[31m',
  green: '\u001b[32m',
};
/** Longest message printed on one row; the rest of a long message is cut with an ellipsis. */
const MAX_MESSAGE = 400;

/**
 * For people, shaped like lint's stylish: each file with a failure or an
 * error, `line:col  fail|error  message  rule-id` rows each followed by the
 * derivation of the actual decision, then a summary line (always, so a
 * green run says what it checked).
 */
export const stylish: AccessTestFormatter = (results, context) => {
  const color = context.color === true;
  const paint = (codes: string, text: string): string => (color ? `${codes}${text}${ansi.reset}` : text);
  let out = '';
  for (const result of results) {
    if (result.messages.length === 0) continue;
    out += `\n${paint(ansi.underline, escapeControls(result.filePath))}\n`;
    for (const m of result.messages) {
      const place = `${m.span.start.line}:${m.span.start.column}`;
      out += `  ${paint(ansi.dim, place)}  ${paint(ansi.red, m.kind === 'failure' ? 'fail ' : 'error')}  ${oneLine(m.message)}  ${paint(ansi.dim, m.ruleId)}\n`;
      for (const line of m.derivation)
        out += `  ${' '.repeat(place.length)}         ${paint(ansi.dim, oneLine(line))}\n`;
    }
  }
  const totals = totalsOf(results);
  const files = `${totals.files} test ${totals.files === 1 ? 'file' : 'files'}`;
  const checks = totals.pass + totals.fail;
  if (totals.fail === 0 && totals.errors === 0)
    return `${out}${out ? '\n' : ''}${paint(ansi.bold + ansi.green, `✔ ${checks} ${checks === 1 ? 'check' : 'checks'} passed (${files})`)}\n`;
  const parts = [
    `${totals.fail} of ${checks} ${checks === 1 ? 'check' : 'checks'} failed`,
    totals.errors > 0 ? `${totals.errors} ${totals.errors === 1 ? 'error' : 'errors'}` : '',
  ].filter(Boolean);
  return `${out}\n${paint(ansi.bold + ansi.red, `✖ ${parts.join(', ')} (${files})`)}\n`;
};

/** ESLint-style JSON, one entry per file; each message with its 1-based position and derivation. */
export const json: AccessTestFormatter = (results) =>
  `${escapeControlsInJson(
    JSON.stringify(
      results.map((result) => ({
        filePath: result.filePath,
        fileKind: result.fileKind,
        policyPath: result.policyPath,
        passCount: result.passCount,
        failCount: result.failCount,
        errorCount: result.errorCount,
        messages: result.messages.map((m) => ({
          ruleId: m.ruleId,
          kind: m.kind,
          severity: m.severity,
          message: m.message,
          line: m.span.start.line,
          column: m.span.start.column,
          endLine: m.span.end.line,
          endColumn: m.span.end.column,
          derivation: m.derivation,
        })),
      })),
    ),
  )}\n`;

/** `file:line:col: fail|error: message [rule-id] (derivation; …)`, one per line: for editors and problem matchers. */
export const compact: AccessTestFormatter = (results) => {
  let out = '';
  for (const result of results) {
    for (const m of result.messages) {
      const why = m.derivation.length > 0 ? ` (${m.derivation.join('; ')})` : '';
      out += `${escapeControls(result.filePath)}:${m.span.start.line}:${m.span.start.column}: ${m.kind === 'failure' ? 'fail' : 'error'}: ${oneLine(m.message)} [${m.ruleId}]${oneLine(why)}\n`;
    }
  }
  return out;
};

/** GitHub Actions `::error` annotations, one per failure or error, with the derivation; then the stylish report for the log. */
export const github: AccessTestFormatter = (results, context) => {
  let out = '';
  for (const result of results) {
    const file = escapeProperty(escapeControls(repoRelativePath(result.filePath, context.cwd, context.repoRoot)));
    for (const m of result.messages) out += annotation(file, m);
  }
  return out + stylish(results, { ...context, color: false });
};

function annotation(file: string, m: AccessTestMessage): string {
  const { start, end } = m.span;
  const properties = [
    `file=${file}`,
    `line=${start.line}`,
    `col=${start.column}`,
    `endLine=${end.line}`,
    `endColumn=${end.column}`,
    `title=${escapeProperty(`nano-access test ${m.ruleId}`)}`,
  ];
  const text = [m.message, ...m.derivation].map(escapeControls).join('\n');
  return `::error ${properties.join(',')}::${escapeData(text)}\n`;
}

function totalsOf(results: readonly AccessTestResult[]): { files: number; pass: number; fail: number; errors: number } {
  const totals = { files: 0, pass: 0, fail: 0, errors: 0 };
  for (const r of results) {
    if (r.fileKind === 'test') totals.files++;
    totals.pass += r.passCount;
    totals.fail += r.failCount;
    totals.errors += r.errorCount;
  }
  return totals;
}

/** One printable line, cut to a readable width. */
function oneLine(text: string): string {
  const line = escapeControls(text.replace(/\r?\n/g, ' '));
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

export const accessTestFormatters: Readonly<Record<AccessTestFormatName, AccessTestFormatter>> = Object.freeze({
  stylish,
  json,
  compact,
  github,
});
