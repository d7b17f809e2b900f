import fc from 'fast-check';
import { parseAccessFile, parseAccessFileAtOnce } from '../src/parse-access-file';
import type { ParseResult } from '../src/model';
import { readPlainFile } from '../src/read-plain-file';

/** Everything but the SourceText (compared by its text). */
const comparable = (result: ParseResult) => ({
  diagnostics: result.diagnostics,
  roles: result.model?.roles,
  users: result.model?.users,
  text: result.model?.source.text,
});

const FILE = [
  '# nano-access',
  '',
  '[[role]]',
  'id = "reader"',
  'allow = "wallet_read, account_query"',
  '',
  '[[role]]   # a comment after a header',
  'id = "ops"',
  'allow = ["node_query", " utility "  , ]',
  '',
  '[[user]]',
  '# the default user',
  'allow = "node_query"',
  '',
  '[[user]]',
  'id = "key-0123456789abcdef0123456789abcdef"',
  'roles = "reader , ops"',
  '',
  '[[user]]',
  '  id="key-fedcba9876543210fedcba9876543210"   # indented, no blanks around =',
  'deny = ["api_stop"]',
  'allow = "unrestricted"',
  'bare = true',
  '',
  '[[user]]',
  'id = "kéy-ünïcode-0123456789abcdef🙂"'.replace('🙂', 'x'),
  'roles = ""',
  'allow = []',
  'bare = false',
].join('\n');

describe('readPlainFile', () => {
  it('reads a plain file into the same model as the general path, with no diagnostics', () => {
    expect(readPlainFile(FILE)).toBeDefined();
    const result = parseAccessFile(FILE);
    expect(result.model?.userColumns).toBeDefined();
    expect(comparable(result)).toEqual(comparable(parseAccessFileAtOnce(FILE)));
    expect(result.diagnostics).toEqual([]);
    expect(result.model!.users.map((u) => u.id)).toEqual([
      '',
      'key-0123456789abcdef0123456789abcdef',
      'key-fedcba9876543210fedcba9876543210',
      'kéy-ünïcode-0123456789abcdefx',
    ]);
  });

  it('keeps the columns out of the model’s enumerable keys and builds users once', () => {
    const model = parseAccessFile(FILE).model!;
    expect(Object.keys(model)).toEqual(['file', 'source', 'roles', 'users']);
    const users = model.users;
    expect(model.users).toBe(users);
    expect({ ...model }.users).toBe(users);
  });

  it('builds users on a frozen model, and forgets the columns when users are replaced', () => {
    const frozen = Object.freeze(parseAccessFile(FILE).model!);
    expect(frozen.users).toHaveLength(4);
    expect(frozen.userColumns).toBeDefined();
    const model = parseAccessFile(FILE).model!;
    model.users = model.users.slice(0, 1);
    expect(model.users).toHaveLength(1);
    expect(model.userColumns).toBeUndefined();
  });

  it('numbers the ids in slot order: the default user first, written or not', () => {
    const withDefault = readPlainFile('[[user]]\n\n[[user]]\nid = "a"\n\n[[user]]\nid = "b"\n')!;
    expect([...withDefault.users.ids]).toEqual([
      ['', 0],
      ['a', 1],
      ['b', 2],
    ]);
    const without = readPlainFile('[[user]]\nid = "a"\n\n[[user]]\nid = "b"\n')!;
    expect([...without.users.ids]).toEqual([
      ['', 0],
      ['a', 1],
      ['b', 2],
    ]);
    expect(without.users.isDefault(0)).toBe(false);
  });

  it.each([
    ['a repeated id', '[[user]]\nid = "a"\n[[user]]\nid = "a"\n'],
    ['a second default user', '[[user]]\n[[user]]\nid = ""\n'],
    ['a default user after the first', '[[user]]\nid = "a"\n[[user]]\nallow = "x"\n'],
    ['an id with outer white space', '[[user]]\nid = "a "\n'],
    ['an empty item in a comma list', '[[user]]\nid = "a"\nallow = "x,,y"\n'],
    ['an empty item in an array', '[[user]]\nid = "a"\nallow = ["x", " "]\n'],
    ['bare as a string', '[[user]]\nid = "a"\nbare = "true"\n'],
    ['bare as something else', '[[user]]\nid = "a"\nbare = truex\n'],
    ['an unknown key', '[[user]]\nid = "a"\nrolez = "x"\n'],
    ['a repeated key', '[[user]]\nid = "a"\nallow = "x"\nallow = "y"\n'],
    ['an id of another type', '[[user]]\nid = 1\n'],
    ['a list of another type', '[[user]]\nid = "a"\nallow = true\n'],
    ['an array item of another type', '[[user]]\nid = "a"\nallow = ["x", 1]\n'],
    ['a role without an id', '[[role]]\nallow = "x"\n'],
    ['a role with an empty id', '[[role]]\nid = ""\n'],
    ['a role with deny', '[[role]]\nid = "r"\ndeny = "x"\n'],
    ['a repeated role', '[[role]]\nid = "r"\n[[role]]\nid = "r"\n'],
    ['a role id with outer white space', '[[role]]\nid = " r"\n'],
    ['a carriage return', '[[user]]\r\nid = "a"\r\n'],
    ['a tab in a string', '[[user]]\nid = "a\tb"\n'],
    ['an escape', '[[user]]\nid = "a\\u0062"\n'],
    ['a literal string', "[[user]]\nid = 'a'\n"],
    ['a multi-line string', '[[user]]\nid = """a"""\n'],
    ['an array over lines', '[[user]]\nid = "a"\nallow = [\n"x"]\n'],
    ['an indented header', '  [[user]]\nid = "a"\n'],
    ['a key before the first header', 'title = "x"\n[[user]]\nid = "a"\n'],
    ['a single table', '[user]\nid = "a"\n'],
    ['a dotted header', '[[user.x]]\nid = "a"\n'],
    ['text after a header', '[[user]] x\nid = "a"\n'],
    ['text after a value', '[[user]]\nid = "a" x\n'],
    ['a byte order mark', '\ufeff[[user]]\nid = "a"\n'],
    ['a control character in a comment', '[[user]] # \u0001\nid = "a"\n'],
    ['an unterminated string', '[[user]]\nid = "a'],
    ['no header at all', 'user = []\n'],
    ['an empty text', ''],
  ])('declines %s, which the general path reads the same as before', (_, text) => {
    expect(readPlainFile(text)).toBeUndefined();
    const result = parseAccessFile(text);
    expect(result.model?.userColumns).toBeUndefined();
    expect(comparable(result)).toEqual(comparable(parseAccessFileAtOnce(text)));
  });

  it('equals the general path on every file it takes, and takes every one with nothing to report', () => {
    const name = fc.constantFrom('a', 'b', ' c', 'wallet_read', 'r1', '', 'é');
    const list = fc.oneof(
      fc.array(name, { maxLength: 3 }).map((names) => `"${names.join(', ')}"`),
      fc.array(name, { maxLength: 3 }).map((names) => `[${names.map((n) => `"${n}"`).join(', ')}]`),
    );
    const id = fc.constantFrom('"u1"', '"u2"', '"u3 "', '""', '"k-0123456789abcdef"');
    const userLine = fc.oneof(
      id.map((v) => `id = ${v}`),
      list.map((v) => `roles = ${v}`),
      list.map((v) => `allow = ${v}`),
      list.map((v) => `deny = ${v}`),
      fc.constantFrom('bare = true', 'bare = false', '# c', ''),
    );
    const roleLine = fc.oneof(
      fc.constantFrom('id = "r1"', 'id = "r2"', '', '# c'),
      list.map((v) => `allow = ${v}`),
    );
    const entry = fc.oneof(
      { weight: 3, arbitrary: fc.array(userLine, { maxLength: 4 }).map((lines) => ['[[user]]', ...lines]) },
      { weight: 1, arbitrary: fc.array(roleLine, { maxLength: 3 }).map((lines) => ['[[role]]', ...lines]) },
    );
    let taken = 0;
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), (entries) => {
        const text = entries.flat().join('\n');
        const atOnce = parseAccessFileAtOnce(text);
        const result = parseAccessFile(text);
        expect(comparable(result)).toEqual(comparable(atOnce));
        if (readPlainFile(text) !== undefined) {
          taken++;
          expect(result.diagnostics).toEqual([]);
          expect(result.model?.userColumns).toBeDefined();
        } else {
          // Within this grammar it declines only files the general path reports on.
          expect(atOnce.diagnostics).not.toEqual([]);
        }
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(300);
  });
});
