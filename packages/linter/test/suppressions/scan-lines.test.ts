import { scanLines } from '../../src/suppressions/scan-lines';

describe('scanLines', () => {
  it('tells headers, keys, comments, blank lines and value continuations apart', () => {
    const text = ['# top', '', '[[user]]', 'allow = [', '  "wallet", # why', '  # inside', ']', 'id = "x"'].join('\n');
    expect(scanLines(text).kinds).toEqual([
      'comment',
      'blank',
      'header',
      'key',
      'continuation',
      'valueComment',
      'continuation',
      'key',
    ]);
  });

  it('does not take a # inside a string for a comment', () => {
    const { comments } = scanLines('id = "a#b" # real\nx = \'c#d\'\n');
    expect(comments).toEqual([{ line: 1, offset: 11, text: ' real', trailing: true }]);
  });

  it('follows multi-line strings across lines, escaped quotes and line-ending backslashes included', () => {
    const text = [
      'a = """',
      'one \\"""# not a comment',
      'two \\',
      '"""  # after',
      "b = '''",
      "# still text'''",
      '# own line',
    ].join('\n');
    const { kinds, comments } = scanLines(text);
    expect(kinds).toEqual(['key', 'continuation', 'continuation', 'continuation', 'key', 'continuation', 'comment']);
    expect(comments.map((c) => [c.line, c.text, c.trailing])).toEqual([
      [4, ' after', true],
      [7, ' own line', false],
    ]);
  });

  it('reads CRLF line ends', () => {
    const { kinds, comments } = scanLines('[[user]]\r\n# c\r\nid = "x"\r\n');
    expect(kinds).toEqual(['header', 'comment', 'key', 'blank']);
    expect(comments[0].text).toBe(' c');
  });

  it('never fails on text that is not TOML', () => {
    expect(() => scanLines('[[user\nid = "unterminated\n"""\n{[{[')).not.toThrow();
  });
});
