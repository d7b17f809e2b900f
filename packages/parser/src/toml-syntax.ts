import { isTomlError, parseToml as parse } from './smol-toml';
import type { Reporter } from './report';

/** smol-toml's reading of the text, or undefined after reporting a fatal `toml-syntax` diagnostic. */
export function readToml(text: string, reporter: Reporter): Record<string, unknown> | undefined {
  try {
    return parse(text) as Record<string, unknown>;
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
    reporter.report('toml-syntax', 'error', 'tomlSyntax', `Not valid TOML: ${sentence(reason)}`, { start: offset, end }, true);
    return undefined;
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
