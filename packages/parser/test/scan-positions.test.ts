import fc from 'fast-check';
import { NodeKind, NONE, ROOT } from '../src/position-map';
import { scanPositions } from '../src/scan-positions';

/** The text a JSON pointer's key and value stand at. */
function at(text: string, pointer: string): { key: string; value: string; exact: boolean } {
  const map = scanPositions(text);
  const { node, exact } = map.locate(pointer);
  const key = map.keyRange(node);
  const value = map.valueRange(node);
  return { key: text.slice(key.start, key.end), value: text.slice(value.start, value.end), exact };
}

describe('scanPositions', () => {
  it('places keys and values of the root and of [[table]] entries', () => {
    const text = 'title = "x"\n[[user]]\nid = "a"\n[[user]]\nid = "b" # comment\nbare = true\n';
    expect(at(text, '/title')).toEqual({ key: 'title', value: '"x"', exact: true });
    expect(at(text, '/user/0')).toMatchObject({ value: '[[user]]', exact: true });
    expect(at(text, '/user/1/id')).toMatchObject({ key: 'id', value: '"b"' });
    expect(at(text, '/user/1/bare')).toMatchObject({ value: 'true' });
  });

  it('places items of arrays, across lines and comments', () => {
    const text = 'a = [\n  "x", # one\n  [1, 2],\n  { k = 3 },\n]\n';
    expect(at(text, '/a/0').value).toBe('"x"');
    expect(at(text, '/a/1').value).toBe('[1, 2]');
    expect(at(text, '/a/1/1').value).toBe('2');
    expect(at(text, '/a/2').value).toBe('{ k = 3 }');
    expect(at(text, '/a/2/k')).toMatchObject({ key: 'k', value: '3' });
  });

  it('places inline tables and their keys', () => {
    const text = 'user = [{ id = "a", roles = ["r"] }]\n';
    expect(at(text, '/user/0').value).toBe('{ id = "a", roles = ["r"] }');
    expect(at(text, '/user/0/roles/0').value).toBe('"r"');
  });

  it('places sub-table headers and dotted headers', () => {
    const text = '[node.ipc.tcp]\nport = 7077\n[node.ipc.local]\npath = "/tmp/s"\n';
    expect(at(text, '/node/ipc/tcp/port')).toMatchObject({ key: 'port', value: '7077' });
    expect(at(text, '/node/ipc/local')).toMatchObject({ key: 'local', value: '[node.ipc.local]' });
  });

  it('places dotted keys, the implicit table spanning its line', () => {
    const text = '[a]\nb.c = 1\nb.d = "x"\n';
    expect(at(text, '/a/b/c')).toMatchObject({ key: 'c', value: '1' });
    expect(at(text, '/a/b/d')).toMatchObject({ key: 'd', value: '"x"' });
    expect(at(text, '/a/b').key).toBe('b');
  });

  it('decodes quoted keys', () => {
    const text = '"a b" = 1\n\'c.d\' = 2\n"\\u0065" = 3\n';
    expect(at(text, '/a b')).toMatchObject({ key: '"a b"', value: '1' });
    expect(at(text, '/c.d')).toMatchObject({ key: "'c.d'", value: '2' });
    expect(at(text, '/e')).toMatchObject({ key: '"\\u0065"', value: '3' });
  });

  it('skips every kind of string, whatever it holds', () => {
    const text = [
      'a = "q\\"[x] # not a comment"',
      "b = 'lit\\'",
      'c = """',
      '[[user]]',
      'ends with quotes"""""',
      "d = '''x'''''",
      'e = 1979-05-27 07:32:00Z',
      'f = -inf',
      '',
    ].join('\n');
    const map = scanPositions(text);
    expect(at(text, '/a').value).toBe('"q\\"[x] # not a comment"');
    expect(at(text, '/b').value).toBe("'lit\\'");
    expect(at(text, '/c').value).toBe('"""\n[[user]]\nends with quotes"""""');
    expect(at(text, '/d').value).toBe("'''x'''''");
    expect(at(text, '/e').value).toBe('1979-05-27 07:32:00Z');
    expect(at(text, '/f').value).toBe('-inf');
    expect(map.headers).toEqual([]);
    expect(map.child(ROOT, 'user')).toBe(NONE);
  });

  it('tells plain one-line strings from escaped and multi-line ones', () => {
    const map = scanPositions('a = "x"\nb = "\\n"\nc = """x"""\nd = \'y\'\ne = \'\'\'z\'\'\'\n');
    expect(map.kind(map.child(ROOT, 'a'))).toBe(NodeKind.PlainString);
    expect(map.kind(map.child(ROOT, 'b'))).toBe(NodeKind.OtherString);
    expect(map.kind(map.child(ROOT, 'c'))).toBe(NodeKind.MultilineString);
    expect(map.kind(map.child(ROOT, 'd'))).toBe(NodeKind.PlainString);
    expect(map.kind(map.child(ROOT, 'e'))).toBe(NodeKind.MultilineString);
  });

  describe('notes the first TOML 1.1-only form (the node reads TOML 1.0)', () => {
    /** The text the first noted form covers, and its reason's first words. */
    function newer(text: string): [string, string] | undefined {
      const found = scanPositions(text).newerSyntax;
      return found && [text.slice(found.range.start, found.range.end), found.reason.split(' ').slice(0, 4).join(' ')];
    }

    it('the \\e and \\xHH escapes, in basic strings and quoted keys', () => {
      expect(newer('a = "x\\ey"\n')).toEqual(['\\e', '\\e is a TOML']);
      expect(newer('a = """x\n\\x41"""\n')).toEqual(['\\x41', '\\xHH is a TOML']);
      expect(newer('"k\\e" = 1\n')).toEqual(['\\e', '\\e is a TOML']);
    });

    it('line breaks, comments and trailing commas inside an inline table', () => {
      expect(newer('a = { b = 1,\n c = 2 }\n')).toEqual(['', 'a line break inside']);
      expect(newer('a = { b = 1, # c\n}\n')).toEqual(['#', 'a comment inside an']);
      expect(newer('a = { b = 1, }\n')).toEqual([',', 'a trailing comma in']);
      expect(newer('a = [{ b = 1 }, { c = [\n2,\n] },\n]\n')).toBeUndefined();
    });

    it('a time without seconds', () => {
      expect(newer('a = 07:32\n')).toEqual(['07:32', 'a time without seconds']);
      expect(newer('a = 1979-05-27T07:32Z\n')).toEqual(['07:32', 'a time without seconds']);
      expect(newer('a = 1979-05-27T07:32:00+05:00\nb = 07:32:00\n')).toBeUndefined();
    });

    it('nothing in TOML 1.0 text: escaped backslashes, literal strings, arrays across lines', () => {
      const text =
        "a = \"\\\\e \\\\x41 \\u001B\"\nb = '\\e'\nc = '''\\x41'''\nd = [\n\"x\", # c\n]\ne = { f = \"}\" }\n";
      expect(newer(text)).toBeUndefined();
    });
  });

  it('finds near and far items of a long array of tables, and none past its end', () => {
    const text = Array.from({ length: 50 }, (_, i) => `[[role]]\nid = "r${i}"\n`).join('');
    for (const i of [0, 15, 16, 17, 49])
      expect(at(text, `/role/${i}/id`)).toMatchObject({ value: `"r${i}"`, exact: true });
    expect(at(text, '/role/50')).toMatchObject({ exact: false });
  });

  it('falls back to the deepest place it found, marked inexact', () => {
    const text = '[[user]]\nid = "a"\n';
    expect(at(text, '/user/0/nothing')).toMatchObject({ value: '[[user]]', exact: false });
    expect(at(text, '/user/5')).toMatchObject({ exact: false });
  });

  it('records every header in order', () => {
    const text = '[[user]]\n[role]\n  [ "user" . x ]\n';
    expect(scanPositions(text).headers).toEqual([0, 8, 9, 15, 18, 32]);
  });

  it('skips a byte order mark', () => {
    expect(at('\ufeffa = 1\n', '/a')).toMatchObject({ key: 'a', value: '1' });
  });

  it('ends on any text at all, valid or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const map = scanPositions(text);
        expect(map.size).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
    const tomlish = fc.array(
      fc.constantFrom('[', ']', '[[', '"', "'", '"""', "'''", '=', ',', '{', '}', '.', '#', '\n', ' ', 'a', '\\', '1'),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(tomlish, (pieces) => {
        expect(scanPositions(pieces.join('')).size).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });
});
