import fc from 'fast-check';
import { readPlainSection } from '../src/plain-section';
import { parseToml } from '../src/smol-toml';

const keys = fc.constantFrom(
  'id',
  'allow',
  'deny',
  'roles',
  'bare',
  'x-y',
  'a_b',
  '1',
  'id.x',
  '"id"',
  '__proto__',
  'ü',
);
const stringBody = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    'wallet_read, api_account_weight',
    'user-2bb818ee-6424',
    'a\\"b',
    'tab\there',
    'x"y',
    '',
    'ключ',
    '😀',
    '\u0000',
    '\u007f',
  ),
);
const basicString = stringBody.map((s) => `"${s}"`);
const scalar = fc.oneof(
  basicString,
  fc.constantFrom(
    'true',
    'false',
    'tru',
    'True',
    'true1',
    '1',
    '0x1',
    `'literal'`,
    '"""multi"""',
    '""',
    '"unterminated',
    'falsey',
    'true#c',
  ),
);
const array = fc
  .tuple(
    fc.array(fc.oneof(basicString, fc.constantFrom('1', '[]', `'x'`, '[x]b"', 'x"')), { maxLength: 4 }),
    fc.boolean(),
    fc.constantFrom('', ' ', '\t'),
  )
  .map(
    ([items, trailingComma, pad]) =>
      `[${pad}${items.join(`,${pad}`)}${trailingComma && items.length > 0 ? ',' : ''}${pad}]`,
  );
const value = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 2, arbitrary: array });
const comment = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 10 }).map((s) => ` # ${s}`),
  fc.constant('#'),
);
const line = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('', ' ', '\t'), keys, fc.constantFrom(' = ', '=', ' =\t', ' '), value, comment)
      .map((p) => p.join('')),
  },
  { weight: 1, arbitrary: comment.map((c) => c.trimStart()) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '[x]', 'key = 1.5', 'a.b = "c"', 'x = {}') },
);
const section = fc
  .tuple(fc.array(line, { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => `\n${lines.join(eol)}\n`);

function smolRead(body: string): Record<string, unknown> | 'error' {
  try {
    return parseToml(body);
  } catch {
    return 'error';
  }
}

describe('readPlainSection', () => {
  it('reads the plain forms access files are written in', () => {
    const body =
      '\nid = "user-1"  # the key\nallow = "wallet_read, wallet_write"\nroles = [ "a", "b", ]\nbare = true\r\ndeny = []\n\n';
    expect(readPlainSection(body, 0, body.length)).toEqual({
      id: 'user-1',
      allow: 'wallet_read, wallet_write',
      roles: ['a', 'b'],
      bare: true,
      deny: [],
    });
  });

  it.each([
    ['an escape', 'id = "a\\tb"\n'],
    ['a literal string', "id = 'x'\n"],
    ['a multi-line string', 'id = """x"""\n'],
    ['a repeated key', 'id = "a"\nid = "b"\n'],
    ['a dotted key', 'a.b = "c"\n'],
    ['a number', 'n = 1\n'],
    ['a multi-line array', 'roles = [\n"a"]\n'],
    ['a control character in a comment', 'id = "a" # \u0001\n'],
    ['a bare carriage return', 'id = "a"\rbare = true\n'],
    ['an array item that is not a string', 'roles = ["a",[x]b"]\n'],
  ])('leaves %s to smol-toml', (_name, body) => {
    expect(readPlainSection(body, 0, body.length)).toBeUndefined();
  });

  it('agrees exactly with smol-toml wherever it answers, and declines where smol-toml refuses', () => {
    let answered = 0;
    fc.assert(
      fc.property(section, (body) => {
        const plain = readPlainSection(body, 0, body.length);
        if (plain === undefined) return;
        answered += 1;
        const expected = smolRead(body);
        expect(expected).not.toBe('error');
        expect(plain).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
    // The generator must exercise the fast path, not only the fallback.
    expect(answered).toBeGreaterThan(500);
  });

  it('reads only the range it is given', () => {
    const text = '[[user]]\nid = "a"\n[[user]]\nid = "b"\n';
    const start = text.indexOf('\n');
    const end = text.indexOf('[[user]]', 1);
    expect(readPlainSection(text, start, end)).toEqual({ id: 'a' });
  });
});
