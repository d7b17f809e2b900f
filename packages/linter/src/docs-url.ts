/**
 * Where docs/rules.md is published. SARIF's helpUri must be an absolute URI;
 * the formatters accept another base (FormatterContext.docsUrl) for forks and
 * mirrors.
 */
export const RULES_DOCS_URL = 'https://github.com/nano-access/nano-access/blob/main/docs/rules.md';

/** docs/rules.md#<rule-id>: each rule has a section whose anchor is its id. */
export function ruleDocsPath(id: string): string {
  return `docs/rules.md#${id}`;
}
