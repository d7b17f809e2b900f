import { findDirectives } from '../../src/suppressions/directives';

const text = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('findDirectives', () => {
  it('reads rule ids and the reason, with the position of each id', () => {
    const source = text('# nano-access: disable=weak-credential, empty-user -- test box', '[[user]]', 'id = "k"');
    const [directive] = findDirectives(source).directives;
    expect(directive.kind).toBe('disable');
    expect(directive.reason).toBe('test box');
    expect(directive.ruleIds.map((r) => [r.id, source.slice(r.range.start, r.range.end)])).toEqual([
      ['weak-credential', 'weak-credential'],
      ['empty-user', 'empty-user'],
    ]);
  });

  it('covers a whole table when written on the line before its header', () => {
    const [directive] = findDirectives(
      text('# nano-access: disable=empty-user', '[[user]]', 'id = "k"', 'bare = true', '', '[[user]]'),
    ).directives;
    expect([directive.firstLine, directive.lastLine]).toEqual([2, 5]);
  });

  it('covers one key, its multi-line value included, when written on the line before it', () => {
    const [directive] = findDirectives(
      text('[[user]]', '# nano-access: disable=redundant-allow', 'allow = [', '  "wallet",', ']', 'bare = true'),
    ).directives;
    expect([directive.firstLine, directive.lastLine]).toEqual([3, 5]);
  });

  it('skips other comments between it and the key it covers, but not a blank line', () => {
    const { directives } = findDirectives(
      text(
        '# nano-access: disable=empty-user',
        '# more words',
        'id = "k"',
        '# nano-access: disable=empty-user',
        '',
        'bare = true',
      ),
    );
    expect(directives.map((d) => [d.firstLine, d.lastLine])).toEqual([
      [3, 3],
      [5, 4],
    ]);
  });

  it('covers its own key or table when trailing', () => {
    const { directives } = findDirectives(
      text(
        '[[user]] # nano-access: disable=empty-user',
        'id = "k" # nano-access: disable=weak-credential',
        'bare = true',
      ),
    );
    expect(directives.map((d) => [d.firstLine, d.lastLine])).toEqual([
      [1, 4],
      [2, 2],
    ]);
  });

  it('covers its own line only inside a multi-line value', () => {
    const { directives } = findDirectives(
      text(
        'user = [',
        '  { id = "a" }, # nano-access: disable=weak-credential',
        '  # nano-access: disable=empty-user',
        '  { id = "b" },',
        ']',
      ),
    );
    expect(directives.map((d) => [d.firstLine, d.lastLine])).toEqual([
      [2, 2],
      [4, 4],
    ]);
  });

  it('covers the whole file with disable-file', () => {
    const [directive] = findDirectives(
      text('[[user]]', 'id = "k"', '# nano-access: disable-file=weak-credential'),
    ).directives;
    expect([directive.kind, directive.firstLine, directive.lastLine]).toEqual(['disable-file', 1, 4]);
  });

  it('reports comments that start like a directive but do not parse', () => {
    const { directives, malformed } = findDirectives(
      text(
        '# nano-access: disable weak-credential',
        '# nano-access: enable=x',
        '# nano-access: disable=Bad_Id',
        '# nano-access: disable=',
      ),
    );
    expect(directives).toEqual([]);
    expect(malformed).toHaveLength(4);
  });

  it('ignores directive-like text inside strings', () => {
    expect(findDirectives(text('id = "# nano-access: disable=weak-credential"')).directives).toEqual([]);
  });
});
