import type { Diagnostic } from '@nano-access/parser';

type Span = Diagnostic['span'];
type Position = Span['start'];

/**
 * Where `key = …` is written in a TOML text (optionally inside `[table]`), for
 * diagnostics about values the schema accepts but the gateway cannot use.
 * Falls back to the start of the file.
 */
export function locateKey(text: string, key: string, table?: string): Span {
  const lines = text.split('\n');
  let offset = 0;
  let currentTable = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const header = /^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]/.exec(line);
    if (header) currentTable = header[1];
    const match = new RegExp(`^(\\s*)${key}\\s*=`).exec(line);
    if (match && currentTable === (table ?? '')) {
      const column = match[1].length + 1;
      const start: Position = { line: i + 1, column, offset: offset + column - 1 };
      const end: Position = { line: i + 1, column: line.length + 1, offset: offset + line.length };
      return { start, end };
    }
    offset += line.length + 1;
  }
  const origin: Position = { line: 1, column: 1, offset: 0 };
  return { start: origin, end: origin };
}
