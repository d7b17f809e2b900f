import type { Position, SourceRange, Span } from './diagnostic';

/**
 * The text of one file and the one place where offsets become 1-based line
 * and column. Columns count UTF-16 code units, as editors (LSP) do. The line
 * index is built on first use only: a file without diagnostics never needs it.
 */
export class SourceText {
  readonly text: string;
  private lineStarts: number[] | undefined;

  constructor(text: string) {
    this.text = text;
  }

  get length(): number {
    return this.text.length;
  }

  /** Offsets of the first character of each line (a line ends after "\n"; "\r\n" counts once). */
  private starts(): number[] {
    if (this.lineStarts === undefined) {
      const starts = [0];
      const text = this.text;
      let at = text.indexOf('\n');
      while (at !== -1) {
        starts.push(at + 1);
        at = text.indexOf('\n', at + 1);
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** Number of lines (a trailing newline opens an empty last line). */
  get lineCount(): number {
    return this.starts().length;
  }

  /** The 1-based line and column of an offset; offsets outside the text are clamped. */
  positionAt(offset: number): Position {
    const starts = this.starts();
    const at = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (starts[mid] <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - starts[low] + 1, offset: at };
  }

  /** The offset of a 1-based line and column (clamped to the text). */
  offsetAt(line: number, column: number): number {
    const starts = this.starts();
    const index = Math.max(0, Math.min(line - 1, starts.length - 1));
    return Math.max(0, Math.min(starts[index] + Math.max(0, column - 1), this.text.length));
  }

  /** A range as line/column positions. */
  span(range: SourceRange): Span {
    const start = this.positionAt(range.start);
    const end = range.end === range.start ? start : this.positionAt(Math.max(range.start, range.end));
    return { start, end };
  }

  /** The text a range covers. */
  slice(range: SourceRange): string {
    return this.text.slice(range.start, range.end);
  }
}
