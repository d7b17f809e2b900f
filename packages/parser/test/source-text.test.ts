import { SourceText } from '../src/source-text';

describe('SourceText', () => {
  it('gives 1-based lines and columns for offsets', () => {
    const source = new SourceText('ab\ncd\n');
    expect(source.positionAt(0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(source.positionAt(2)).toEqual({ line: 1, column: 3, offset: 2 });
    expect(source.positionAt(3)).toEqual({ line: 2, column: 1, offset: 3 });
    expect(source.positionAt(6)).toEqual({ line: 3, column: 1, offset: 6 });
  });

  it('counts CRLF as one line break, the CR belonging to the line it ends', () => {
    const source = new SourceText('a\r\nb');
    expect(source.positionAt(1)).toEqual({ line: 1, column: 2, offset: 1 });
    expect(source.positionAt(3)).toEqual({ line: 2, column: 1, offset: 3 });
    expect(source.lineCount).toBe(2);
  });

  it('counts columns in UTF-16 code units, as editors do', () => {
    const source = new SourceText('é🔑x');
    expect(source.positionAt(3).column).toBe(4); // é is one unit, the key emoji two
  });

  it('clamps offsets outside the text', () => {
    const source = new SourceText('abc');
    expect(source.positionAt(-5)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(source.positionAt(99)).toEqual({ line: 1, column: 4, offset: 3 });
    expect(source.positionAt(Number.NaN).offset).toBe(0);
  });

  it('turns a range into a span and back into its text', () => {
    const source = new SourceText('x = 1\ny = 22\n');
    const span = source.span({ start: 10, end: 12 });
    expect(span.start).toEqual({ line: 2, column: 5, offset: 10 });
    expect(span.end).toEqual({ line: 2, column: 7, offset: 12 });
    expect(source.slice({ start: 10, end: 12 })).toBe('22');
  });

  it('finds the offset of a line and column', () => {
    const source = new SourceText('x = 1\ny = 22\n');
    expect(source.offsetAt(2, 5)).toBe(10);
    expect(source.offsetAt(99, 1)).toBe(13);
  });
});
