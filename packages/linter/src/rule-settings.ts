import type { Severity } from '@nano-access/parser';
import type { Rule } from './define-rule';

/** What `--rule ID=…` may set. */
export type RuleLevel = 'off' | Severity;

export type RuleSettings = Readonly<Record<string, RuleLevel>>;

const LEVELS: readonly string[] = ['off', 'warning', 'error'];

/**
 * Why a setting is refused, or undefined when it is fine. An error that stops
 * a server from loading the file is part of the file's meaning, not a style
 * choice: such a rule cannot be turned off or made a warning (only
 * `=error`, which changes nothing, is accepted), so that the linter and the
 * servers never disagree on whether a file loads.
 */
export function checkRuleSetting(rules: ReadonlyMap<string, Rule>, id: string, level: string): string | undefined {
  const rule = rules.get(id);
  if (!rule) return `unknown rule "${id}"`;
  if (!LEVELS.includes(level)) return `"${level}" is not a level for rule "${id}" (use off, warning or error)`;
  if (rule.meta.source === 'load' && rule.meta.severity === 'error' && level !== 'error') {
    return `rule "${id}" reports an error that stops a server from loading the file; it cannot be set to ${level}`;
  }
  return undefined;
}

/** Parses `ID=level` strings (the CLI's `--rule`); returns the settings or the reasons they are refused. */
export function parseRuleSettings(
  rules: ReadonlyMap<string, Rule>,
  entries: readonly string[],
): { settings: Record<string, RuleLevel>; problems: string[] } {
  const settings: Record<string, RuleLevel> = {};
  const problems: string[] = [];
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) {
      problems.push(`"${entry}" is not ID=off|warning|error`);
      continue;
    }
    const id = entry.slice(0, at).trim();
    const level = entry.slice(at + 1).trim();
    const problem = checkRuleSetting(rules, id, level);
    if (problem) problems.push(problem);
    else settings[id] = level as RuleLevel;
  }
  return { settings, problems };
}
