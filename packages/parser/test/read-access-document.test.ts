import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { assembleSections } from '../src/read-access-document';
import { scanPositions } from '../src/scan-positions';
import { parseToml } from '../src/smol-toml';

const VALID = join(__dirname, '..', '..', '..', 'fixtures', 'access', 'valid');

function whole(text: string): unknown {
  try {
    return parseToml(text);
  } catch {
    return undefined;
  }
}

function sections(text: string): unknown {
  return assembleSections(text, scanPositions(text).headers);
}

/** Plain copies, so null-prototype tables compare equal to ordinary ones. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('readSections', () => {
  it('reads a file of [[user]] and [[role]] sections exactly as one parse does', () => {
    const text = 'title = 1\n[[role]]\nid = "r"\n[[user]] # first\nid = "a"\nx.y = 2\n\n[[user]]\nid = "b"\n';
    expect(plain(sections(text))).toEqual(plain(whole(text)));
  });

  it('reads the keys before the first header as one parse does, plain or not', () => {
    for (const root of [
      '',
      '# only a comment\n\n',
      'title = "t"\nenabled = true # c\n',
      'list = ["a", "b"]\r\n',
      '\ufefftitle = "bom"\n',
      "title = 'literal'\n",
      'n = 1\n',
      'a.b = "c"\n',
    ]) {
      const text = `${root}[[user]]\nid = "a"\n`;
      expect([root, plain(sections(text))]).toEqual([root, plain(whole(text))]);
    }
    expect(sections('user = "x"\n[[role]]\nid = "r"\n')).toBeUndefined();
    expect(sections('title = "a"\ntitle = "b"\n[[user]]\n')).toBeUndefined(); // a repeated key: smol-toml's error
  });

  it('declines what it cannot read section by section', () => {
    expect(sections('a = 1\n')).toBeUndefined(); // no headers: one parse is as cheap
    expect(sections('[node.ipc]\nx = 1\n')).toBeUndefined(); // an unusual header
    expect(sections('[user]\nid = "a"\n[user]\nid = "b"\n')).toBeUndefined(); // redefined
    expect(sections('[user]\n[[user]]\n')).toBeUndefined();
    expect(sections('[[user]]\n[user]\n')).toBeUndefined();
    expect(sections('user = []\n[[user]]\n')).toBeUndefined();
    expect(sections('x = 1 [[user]]\n')).toBeUndefined(); // not at a line start
    expect(sections('[[user]] id = "a"\n')).toBeUndefined(); // not at a line end
    expect(sections('[[user]]\nid = "a\n[[user]]\n')).toBeUndefined(); // a syntax error
  });

  it('agrees with one parse on every valid fixture', () => {
    for (const file of readdirSync(VALID).filter((f) => f.endsWith('.toml'))) {
      const text = readFileSync(join(VALID, file), 'utf8');
      const read = sections(text);
      if (read !== undefined) expect(plain(read)).toEqual(plain(whole(text)));
    }
  });

  it('never accepts a text one parse rejects, and reads the same values (mutated access files)', () => {
    const base = readFileSync(join(VALID, 'elaborate.toml'), 'utf8') + '\n[[user]]\nid = "c"\nallow = ["a", "b"]\n';
    const pieces = [
      '[[user]]',
      '[[role]]',
      '[user]',
      '[role]',
      '\n',
      '"',
      "'''",
      '"""',
      '#',
      '=',
      'x',
      ' ',
      '[',
      ']',
      ',',
      '{',
      '}',
      '\\',
      '\r\n',
    ];
    const mutation = fc.array(
      fc.record({ at: fc.nat(base.length), cut: fc.nat(6), insert: fc.constantFrom(...pieces) }),
      { minLength: 1, maxLength: 4 },
    );
    let readBySections = 0;
    let rejectedByBoth = 0;
    fc.assert(
      fc.property(mutation, (edits) => {
        let text = base;
        for (const { at, cut, insert } of edits) {
          const i = Math.min(at, text.length);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        const read = sections(text);
        const reference = whole(text);
        if (read === undefined) {
          if (reference === undefined) rejectedByBoth++;
          return;
        }
        readBySections++;
        expect(reference).toBeDefined();
        expect(plain(read)).toEqual(plain(reference));
      }),
      { numRuns: 3000 },
    );
    // The property means something only if both outcomes were met often.
    expect(readBySections).toBeGreaterThan(300);
    expect(rejectedByBoth).toBeGreaterThan(300);
  });
});
