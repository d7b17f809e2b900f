import { TOML_SYNTAX_RULE_ID } from './diagnostic';
import type { NewerSyntax } from './position-map';
import { isTomlError, parseToml as parse } from './smol-toml';
import type { Reporter } from './report';

/**
 * smol-toml's reading of the text, or undefined after reporting a fatal
 * `toml-syntax` diagnostic. `newer` is the first TOML 1.1-only form the
 * position scanner found: smol-toml reads TOML 1.1, the node TOML 1.0, so a
 * text that parses but holds one is refused too (after the parse, so that a
 * text broken elsewhere gets smol-toml's own error first).
 */
export function readToml(text: string, reporter: Reporter, newer?: NewerSyntax): Record<string, unknown> | undefined {
  try {
    const value = parse(text);
    if (newer === undefined) return value;
    reporter.report(
      TOML_SYNTAX_RULE_ID,
      'error',
      'tomlVersion',
      `Not valid TOML 1.0: ${newer.reason}`,
      newer.range,
      true,
    );
    return undefined;
  } catch (error) {
    const source = reporter.source;
    let offset = 0;
    let reason = 'the text could not be read';
    if (isTomlError(error)) {
      offset = source.offsetAt(error.line, error.column);
      reason = error.message.split('\n', 1)[0].replace(/^Invalid TOML document:\s*/, '');
    } else if (error instanceof Error) {
      reason = error.message; // e.g. nesting deeper than smol-toml's limit
    }
    const text = source.text;
    const next = text.charCodeAt(offset);
    const end = offset < text.length && next !== 10 && next !== 13 ? offset + 1 : offset;
    reporter.report(
      TOML_SYNTAX_RULE_ID,
      'error',
      'tomlSyntax',
      `Not valid TOML: ${sentence(reason)}`,
      { start: offset, end },
      true,
    );
    return undefined;
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
