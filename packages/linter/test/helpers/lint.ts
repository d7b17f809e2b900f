import { lintText, type LintOptions, type LintResult } from '@nano-access/linter';

/** Ids strong enough that weak-credential stays silent (24 characters, varied). */
export const STRONG_A = 'Zq8vN2xK7mB4rT9wL3pH6yC1';
export const STRONG_B = 'Jf5uE0sW8dQ2gV7kY4aR9nX3';

export interface Finding {
  messageId: string | undefined;
  severity: 'error' | 'warning';
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function lint(text: string, options: Partial<LintOptions> = {}): LintResult {
  return lintText(text, { file: 'config-access.toml', ...options });
}

/** The findings of one rule, as what a test asserts: messageId and exact span. */
export function findingsOf(ruleId: string, text: string, options: Partial<LintOptions> = {}): Finding[] {
  return lint(text, options)
    .messages.filter((m) => m.ruleId === ruleId)
    .map((m) => ({
      messageId: m.messageId,
      severity: m.severity,
      line: m.span.start.line,
      column: m.span.start.column,
      endLine: m.span.end.line,
      endColumn: m.span.end.column,
    }));
}

/** Messages of one rule, for assertions on wording. */
export function messagesOf(ruleId: string, text: string, options: Partial<LintOptions> = {}): string[] {
  return lint(text, options)
    .messages.filter((m) => m.ruleId === ruleId)
    .map((m) => m.message);
}

/** Lines joined with LF: test files are written one TOML line per array item, so positions read off the index. */
export function toml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
