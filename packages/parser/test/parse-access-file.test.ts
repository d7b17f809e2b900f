import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { join } from 'node:path';
import { parseAccessFile, parseAccessFileAtOnce } from '../src/parse-access-file';
import type { ParseResult } from '../src/model';
import { assembleSections } from '../src/read-access-document';
import { scanPositions } from '../src/scan-positions';
import { covered, where } from './helpers';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'access');

function parse(text: string): ParseResult {
  return parseAccessFile(text, { file: 'test.toml' });
}

/** The only diagnostic of a parse (fails when there is not exactly one). */
function only(text: string) {
  const { diagnostics } = parse(text);
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0];
}

describe('parseAccessFile: the model', () => {
  it('reads the documented elaborate sample into roles and users with their places', () => {
    const text = readFileSync(join(FIXTURES, 'valid', 'elaborate.toml'), 'utf8');
    const { model, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(model).not.toBeNull();
    const [role] = model!.roles;
    expect(role.id).toBe('service_admin');
    expect(text.slice(role.range.start, role.range.end)).toBe('[[role]]');
    expect(text.slice(role.idRange.start, role.idRange.end)).toBe('"service_admin"');
    expect(role.allow.map((n) => n.name)).toEqual(['api_service_register', 'api_service_stop']);
    for (const name of role.allow) expect(text.slice(name.range.start, name.range.end)).toBe(name.name);

    const [first, second] = model!.users;
    expect(first).toMatchObject({
      index: 0,
      id: 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57',
      isDefault: false,
      bare: false,
    });
    expect(first.roles.map((n) => n.name)).toEqual(['service_admin']);
    expect(first.allow.map((n) => n.name)).toEqual(['wallet_seed_change', 'api_topic_confirmation']);
    expect(first.deny.map((n) => n.name)).toEqual(['api_account_weight']);
    for (const name of [...first.roles, ...first.allow, ...first.deny]) {
      expect(text.slice(name.range.start, name.range.end)).toBe(name.name);
    }
    expect(second).toMatchObject({ index: 1, bare: true, isDefault: false });
    expect(text.slice(second.bareRange!.start, second.bareRange!.end)).toBe('true');
    expect(model!.source.text).toBe(text);
    expect(model!.file).toBe('test.toml');
  });

  it('reads the documented unrestricted sample as a default user', () => {
    const text = readFileSync(join(FIXTURES, 'valid', 'unrestricted.toml'), 'utf8');
    const { model, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(model!.users).toHaveLength(1);
    const [user] = model!.users;
    expect(user).toMatchObject({ id: '', isDefault: true, bare: false });
    expect(user.allow.map((n) => n.name)).toEqual(['unrestricted']);
    // No id written: the id's place is the table header.
    expect(text.slice(user.idRange.start, user.idRange.end)).toBe('[[user]]');
  });

  it('reads every valid fixture without a diagnostic', () => {
    const dir = join(FIXTURES, 'valid');
    const files = readdirSync(dir).filter((f) => f.endsWith('.toml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const { model, diagnostics } = parseAccessFile(readFileSync(join(dir, file), 'utf8'), { file });
      expect({ file, diagnostics }).toEqual({ file, diagnostics: [] });
      expect(model).not.toBeNull();
    }
  });

  it('gives an empty model for an empty file', () => {
    const { model, diagnostics } = parse('');
    expect(diagnostics).toEqual([]);
    expect(model).toMatchObject({ roles: [], users: [] });
  });

  it('names diagnostics after config-access.toml unless told otherwise', () => {
    expect(parseAccessFile('x = 1').diagnostics[0].file).toBe('config-access.toml');
  });

  it('accepts both list forms with exact item places', () => {
    const text = '[[user]]\nallow = "a, b"\ndeny = ["c", " d "]\n';
    const { model, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const [user] = model!.users;
    expect(user.allow.map((n) => [n.name, text.slice(n.range.start, n.range.end)])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
    expect(user.deny.map((n) => [n.name, text.slice(n.range.start, n.range.end)])).toEqual([
      ['c', 'c'],
      ['d', 'd'],
    ]);
  });

  it('points an item of an escaped string at the whole string (coarser, never wrong)', () => {
    const text = '[[user]]\nallow = "a, \\u0062"\n';
    const [user] = parse(text).model!.users;
    expect(user.allow.map((n) => n.name)).toEqual(['a', 'b']);
    for (const name of user.allow) expect(text.slice(name.range.start, name.range.end)).toBe('"a, \\u0062"');
  });

  it('reads literal strings as lists', () => {
    const text = "[[user]]\nallow = ['wallet_read', 'wallet_write']\ndeny = 'x, y'\n";
    const [user] = parse(text).model!.users;
    expect(user.allow.map((n) => n.name)).toEqual(['wallet_read', 'wallet_write']);
    expect(user.deny.map((n) => text.slice(n.range.start, n.range.end))).toEqual(['x', 'y']);
  });

  it('treats an empty string as an empty list without a warning', () => {
    const { model, diagnostics } = parse('[[user]]\nallow = ""\nroles = "  "\n');
    expect(diagnostics).toEqual([]);
    expect(model!.users[0].allow).toEqual([]);
    expect(model!.users[0].roles).toEqual([]);
  });

  it('accepts a single [role] and [user] table', () => {
    const text = '[role]\nid = "r"\nallow = "a"\n\n[user]\nid = "u"\nroles = "r"\n';
    const { model, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(model!.roles).toHaveLength(1);
    expect(model!.users).toHaveLength(1);
    expect(text.slice(model!.roles[0].range.start, model!.roles[0].range.end)).toBe('[role]');
    expect(model!.users[0].roles[0].name).toBe('r');
  });

  it('accepts roles and users as inline tables, pointing at their braces', () => {
    const text = 'user = [{ id = "a" }, { id = "b", allow = ["x"] }]\nrole = { id = "r" }\n';
    const { model, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const [a, b] = model!.users;
    expect(text.slice(a.range.start, a.range.end)).toBe('{ id = "a" }');
    expect(text.slice(b.idRange.start, b.idRange.end)).toBe('"b"');
    expect(text.slice(b.allow[0].range.start, b.allow[0].range.end)).toBe('x');
    expect(text.slice(model!.roles[0].range.start, model!.roles[0].range.end)).toBe('{ id = "r" }');
  });

  it('keeps ids exactly as written, never trimmed', () => {
    const { model } = parse('[[user]]\nid = " spaced "\n');
    expect(model!.users[0].id).toBe(' spaced ');
  });

  it('reads CRLF files with the same lines and columns', () => {
    const lf = '[[user]]\nid = "user-1"\nrolez = "x"\nallow = "a,,b"\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const fromLf = parse(lf).diagnostics.map(where);
    const fromCrlf = parse(crlf).diagnostics.map(where);
    expect(fromCrlf).toEqual(fromLf);
    expect(fromCrlf).toEqual([
      ['unknown-key', 'error', 3, 1, 3, 6],
      ['empty-item', 'warning', 4, 12, 4, 13],
    ]);
    const [user] = parse(crlf).model!.users;
    expect(user.allow.map((n) => crlf.slice(n.range.start, n.range.end))).toEqual(['a', 'b']);
  });

  it('counts columns of non-ASCII text in UTF-16 code units', () => {
    const text = '[[user]]\nid = "clé-🔑"\nallow = "é🔑, x"\nrolez = 1\n';
    const { model, diagnostics } = parse(text);
    const [user] = model!.users;
    expect(user.id).toBe('clé-🔑');
    expect(user.allow.map((n) => n.name)).toEqual(['é🔑', 'x']);
    expect(text.slice(user.allow[1].range.start, user.allow[1].range.end)).toBe('x');
    // `allow = "é🔑, x"`: x is the 15th code unit of its line (é is one unit, 🔑 two).
    const x = model!.source.positionAt(user.allow[1].range.start);
    expect([x.line, x.column]).toEqual([3, 15]);
    expect(diagnostics.map(where)).toEqual([['unknown-key', 'error', 4, 1, 4, 6]]);
  });

  it('reads every role and user around a problem (one pass, every problem)', () => {
    const text = [
      '[[role]]', //                1
      'id = "r1"', //               2
      'deny = "x"', //              3
      '[[role]]', //                4
      'allow = "a"', //             5
      '[[user]]', //                6
      'id = "u1"', //               7
      'bare = "yes"', //            8
      '[[user]]', //                9
      'id = "u2"', //              10
      'colour = "blue"', //        11
      '',
    ].join('\n');
    const { model, diagnostics } = parse(text);
    expect(diagnostics.map((d) => [d.ruleId, d.span.start.line])).toEqual([
      ['role-deny', 3],
      ['missing-role-id', 4],
      ['invalid-type', 8],
      ['unknown-key', 11],
    ]);
    expect(model!.roles.map((r) => r.id)).toEqual(['r1']);
    expect(model!.users.map((u) => u.id)).toEqual(['u1', 'u2']);
  });
});

describe('parseAccessFile: each rule at its exact place', () => {
  it('toml-syntax: fatal, no model, at smol-toml line and column', () => {
    const text = '[[user]]\nid = "a"\nallow = "x\n';
    const { model, diagnostics } = parse(text);
    expect(model).toBeNull();
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({
      ruleId: 'toml-syntax',
      severity: 'error',
      messageId: 'tomlSyntax',
      fatal: true,
      file: 'test.toml',
    });
    expect(d.span.start.line).toBe(3);
    expect(d.message).toMatch(/^Not valid TOML: .+\.$/);
  });

  it('toml-syntax: a redefined table is a syntax error too', () => {
    const d = only('[user]\nid = "a"\n[user]\nid = "b"\n');
    expect(d.ruleId).toBe('toml-syntax');
    expect(d.span.start.line).toBe(3);
  });

  it('invalid-type: a list of the wrong type, at the value', () => {
    const text = '[[user]]\nallow = 42\n';
    const d = only(text);
    expect(where(d)).toEqual(['invalid-type', 'error', 2, 9, 2, 11]);
    expect(d.messageId).toBe('invalidList');
    expect(d.message).toBe('"allow" must be a comma-separated string or an array of strings.');
  });

  it('invalid-type: a non-string array item, at the item', () => {
    const text = '[[user]]\ndeny = ["a", 7]\n';
    const d = only(text);
    expect(where(d)).toEqual(['invalid-type', 'error', 2, 14, 2, 15]);
    expect(d.message).toBe('Item 2 of "deny" must be a string, not an integer.');
    expect(parse(text).model!.users[0].deny.map((n) => n.name)).toEqual(['a']);
  });

  it('invalid-type: a bare value that is neither boolean nor "true"/"false"', () => {
    const d = only('[[user]]\nbare = 1\n');
    expect(where(d)).toEqual(['invalid-type', 'error', 2, 8, 2, 9]);
    expect(d.messageId).toBe('invalidBare');
    const s = only('[[user]]\nbare = "yes"\n');
    expect(where(s)).toEqual(['invalid-type', 'error', 2, 8, 2, 13]);
  });

  it('invalid-type: a non-string user id, and the user is left out', () => {
    const text = '[[user]]\nid = 5\n';
    const d = only(text);
    expect(where(d)).toEqual(['invalid-type', 'error', 2, 6, 2, 7]);
    expect(d.message).toBe('"id" must be a string, not an integer.');
    expect(parse(text).model!.users).toEqual([]);
  });

  it('invalid-type: user and role must be tables', () => {
    const d = only('user = "everyone"\n');
    expect(where(d)).toEqual(['invalid-type', 'error', 1, 8, 1, 18]);
    expect(d.messageId).toBe('invalidSection');
    const e = only('user = [1]\n');
    expect(where(e)).toEqual(['invalid-type', 'error', 1, 9, 1, 10]);
    expect(e.messageId).toBe('invalidEntry');
  });

  it('invalid-type: a date is not a table, for user and role and their entries (the user is not silently dropped)', () => {
    const d = only('user = 1979-05-27T00:00:00Z\n');
    expect(where(d)).toEqual(['invalid-type', 'error', 1, 8, 1, 28]);
    expect(d.messageId).toBe('invalidSection');
    expect(d.message).toBe('"user" must be a table ([user]) or an array of tables ([[user]]), not a date.');
    const e = only('user = [1979-05-27T00:00:00Z]\n');
    expect(where(e)).toEqual(['invalid-type', 'error', 1, 9, 1, 29]);
    expect(e.messageId).toBe('invalidEntry');
    // A role that is a date was "a table without an id" before: now the type error it is, alone.
    expect(where(only('role = 1979-05-27\n'))).toEqual(['invalid-type', 'error', 1, 8, 1, 18]);
    expect(where(only('role = [{ id = "r" }, 07:32:00]\n'))).toEqual(['invalid-type', 'error', 1, 23, 1, 31]);
  });

  it('multiline-string: a user id written across lines is an error, and never the default user', () => {
    // TOML 1.0 reads two quotes here; smol-toml 1.9 reads "", which would be the default user.
    const text = '[[user]]\nid = """\\\n"""""\nallow = "unrestricted"\n';
    const { model, diagnostics } = parse(text);
    expect(diagnostics.map(where)).toEqual([['multiline-string', 'error', 2, 6, 3, 6]]);
    expect(diagnostics[0].messageId).toBe('multilineUserId');
    expect(model!.users).toEqual([]);
    expect(where(only("[[user]]\nid = '''\nZq8vN2xK7mB4rT9wL3pH6yC1'''\n"))).toEqual([
      'multiline-string',
      'error',
      2,
      6,
      3,
      28,
    ]);
    expect(where(only('user = [{ id = """abc""" }]\n'))).toEqual(['multiline-string', 'error', 1, 16, 1, 25]);
  });

  it('multiline-string: a role id, a list and a list item written as multi-line strings are errors', () => {
    const role = parse("[[role]]\nid = '''r'''\nallow = \"a\"\n");
    expect(role.diagnostics.map((d) => [d.messageId, ...where(d)])).toEqual([
      ['multilineRoleId', 'multiline-string', 'error', 2, 6, 2, 13],
    ]);
    expect(role.model!.roles).toEqual([]);
    const list = parse('[[user]]\nallow = """\nwallet_read,\nwallet_write"""\n');
    expect(list.diagnostics.map((d) => [d.messageId, ...where(d)])).toEqual([
      ['multilineList', 'multiline-string', 'error', 2, 9, 4, 16],
    ]);
    expect(list.model!.users[0].allow).toEqual([]);
    const item = parse("[[user]]\ndeny = ['a', '''b''', \"c\"]\n");
    expect(item.diagnostics.map((d) => [d.messageId, d.message, ...where(d)])).toEqual([
      [
        'multilineItem',
        'Item 2 of "deny" is a multi-line string; names are written as one-line strings.',
        'multiline-string',
        'error',
        2,
        14,
        2,
        21,
      ],
    ]);
    expect(item.model!.users[0].deny.map((n) => n.name)).toEqual(['a', 'c']);
  });

  it('toml-syntax: TOML 1.1-only forms are fatal, at their line and column', () => {
    const cases: [string, number, number][] = [
      ['[[user]]\nid = "Zq8vN2xK7mB4rT9w\\e"\n', 2, 23],
      ['[[user]]\nid = "Zq8vN2xK7mB4rT9w\\x41"\n', 2, 23],
      ['user = [{ id = "Zq8vN2xK7mB4rT9w",\n  allow = "wallet" }]\n', 1, 35],
      ['user = [{ id = "Zq8vN2xK7mB4rT9w", allow = "wallet", }]\n', 1, 52],
    ];
    for (const [text, line, column] of cases) {
      const { model, diagnostics } = parse(text);
      expect(model).toBeNull();
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ ruleId: 'toml-syntax', messageId: 'tomlVersion', fatal: true });
      expect(diagnostics[0].message).toMatch(/^Not valid TOML 1\.0: .*TOML 1\.1/);
      expect([diagnostics[0].span.start.line, diagnostics[0].span.start.column]).toEqual([line, column]);
    }
  });

  it('toml-syntax: a syntax error before a TOML 1.1 form is reported as smol-toml reports it', () => {
    const d = only('[[user]]\nid = = "a"\nallow = "\\e"\n');
    expect(d.messageId).toBe('tomlSyntax');
    expect(d.span.start.line).toBe(2);
  });

  it('unknown-key: top level, with did-you-mean, at the key', () => {
    const text = '[[users]]\nid = "a"\n';
    const d = only(text);
    expect(where(d)).toEqual(['unknown-key', 'error', 1, 3, 1, 8]);
    expect(d.message).toBe('Unknown top-level key "users". Did you mean "user"?');
    expect(d.messageId).toBe('unknownKey');
  });

  it('unknown-key: in a user, with did-you-mean, at the key', () => {
    const d = only('[[user]]\nid = "a"\nrolse = "r"\n');
    expect(where(d)).toEqual(['unknown-key', 'error', 3, 1, 3, 6]);
    expect(d.message).toBe('Unknown key "rolse" in [user]. Did you mean "roles"?');
  });

  it('unknown-key: in a role, without a suggestion when nothing is near', () => {
    const d = only('[[role]]\nid = "r"\npermissions = "a"\n');
    expect(where(d)).toEqual(['unknown-key', 'error', 3, 1, 3, 12]);
    expect(d.message).toBe('Unknown key "permissions" in [role].');
  });

  it('unknown-key: a quoted key and a sub-table header', () => {
    const quoted = only('[[user]]\n"alow" = "x"\n');
    expect(where(quoted)).toEqual(['unknown-key', 'error', 2, 1, 2, 7]);
    expect(quoted.message).toContain('Did you mean "allow"?');
    const sub = only('[[user]]\nid = "a"\n[user.extra]\nx = 1\n');
    expect(where(sub)).toEqual(['unknown-key', 'error', 3, 7, 3, 12]);
  });

  it('unknown-key: a dotted key falls back to the nearest place it can name', () => {
    const text = '[[user]]\nsettings.colour = "blue"\n';
    const d = only(text);
    expect(d.ruleId).toBe('unknown-key');
    expect(covered(text, d)).toBe('settings');
  });

  it('missing-role-id: a role without id, at its header', () => {
    const d = only('[[role]]\nallow = "a"\n');
    expect(where(d)).toEqual(['missing-role-id', 'error', 1, 1, 1, 9]);
    expect(d.messageId).toBe('missingRoleId');
  });

  it('missing-role-id: an empty role id, at the value', () => {
    const d = only('[[role]]\nid = ""\n');
    expect(where(d)).toEqual(['missing-role-id', 'error', 2, 6, 2, 8]);
    expect(d.messageId).toBe('emptyRoleId');
  });

  it('duplicate-role: at the second id, naming the first line', () => {
    const text = '[[role]]\nid = "r"\n[[role]]\nid = "r"\n';
    const d = only(text);
    expect(where(d)).toEqual(['duplicate-role', 'error', 4, 6, 4, 9]);
    expect(d.message).toBe('Role "r" is already defined on line 2.');
    expect(parse(text).model!.roles).toHaveLength(1);
  });

  it('duplicate-user: at the second id, never printing the id (a secret)', () => {
    const text = '[[user]]\nid = "secret-key"\n[[user]]\nid = "secret-key"\n';
    const d = only(text);
    expect(where(d)).toEqual(['duplicate-user', 'error', 4, 6, 4, 18]);
    expect(d.message).toBe('This user id is already used by the user on line 2.');
    expect(d.message).not.toContain('secret-key');
    expect(parse(text).model!.users).toHaveLength(1);
  });

  it('duplicate-user: two default users (absent id and empty id)', () => {
    const d = only('[[user]]\nallow = "a"\n[[user]]\nid = ""\n');
    expect(where(d)).toEqual(['duplicate-user', 'error', 4, 6, 4, 8]);
    expect(d.messageId).toBe('duplicateDefaultUser');
  });

  it('role-deny: at the deny key', () => {
    const d = only('[[role]]\nid = "r"\ndeny = "a"\n');
    expect(where(d)).toEqual(['role-deny', 'error', 3, 1, 3, 5]);
    expect(d.message).toBe('A role cannot have "deny"; only users can have deny entries.');
  });

  it('default-user-order: a default user after another user, at its header', () => {
    const text = '[[user]]\nid = "a"\n[[user]]\nallow = "x"\n';
    const d = only(text);
    expect(where(d)).toEqual(['default-user-order', 'error', 3, 1, 3, 9]);
    expect(parse(text).model!.users.map((u) => u.isDefault)).toEqual([false, true]);
  });

  it('default-user-order: a default user with id = "" after another user, at its id', () => {
    const d = only('[[user]]\nid = "a"\n[[user]]\nid = ""\n');
    expect(where(d)).toEqual(['default-user-order', 'error', 4, 6, 4, 8]);
  });

  it('bare-string: a warning, and the string is honoured', () => {
    const text = '[[user]]\nid = "a"\nbare = "true"\n';
    const d = only(text);
    expect(where(d)).toEqual(['bare-string', 'warning', 3, 8, 3, 14]);
    expect(parse(text).model!.users[0].bare).toBe(true);
    expect(parse('[[user]]\nbare = "false"\n').model!.users[0].bare).toBe(false);
  });

  it('empty-item: between two commas, at the second comma', () => {
    const text = '[[user]]\nallow = "a,,b"\n';
    const d = only(text);
    expect(where(d)).toEqual(['empty-item', 'warning', 2, 12, 2, 13]);
    expect(parse(text).model!.users[0].allow.map((n) => n.name)).toEqual(['a', 'b']);
  });

  it('empty-item: blanks between commas, at the blanks', () => {
    const d = only('[[user]]\nallow = "a,  ,b"\n');
    expect(where(d)).toEqual(['empty-item', 'warning', 2, 12, 2, 14]);
  });

  it('empty-item: a trailing comma, at the comma', () => {
    const d = only('[[user]]\nallow = "a,"\n');
    expect(where(d)).toEqual(['empty-item', 'warning', 2, 11, 2, 12]);
  });

  it('empty-item: an empty string in an array, at the item', () => {
    const d = only('[[user]]\nallow = ["a", ""]\n');
    expect(where(d)).toEqual(['empty-item', 'warning', 2, 15, 2, 17]);
  });

  it('id-whitespace: a user id with trailing blanks, at the id, not printed', () => {
    const d = only('[[user]]\nid = "key "\n');
    expect(where(d)).toEqual(['id-whitespace', 'warning', 2, 6, 2, 12]);
    expect(d.message).not.toContain('key');
  });

  it('id-whitespace: a role id with leading blanks', () => {
    const d = only('[[role]]\nid = " r"\n');
    expect(where(d)).toEqual(['id-whitespace', 'warning', 2, 6, 2, 10]);
  });

  it('reports each invalid fixture as the rule it is named for', () => {
    const dir = join(FIXTURES, 'invalid');
    const resolverRules = new Set(['unknown-permission', 'unknown-role']);
    const files = readdirSync(dir).filter((f) => f.endsWith('.toml'));
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const file of files) {
      const rule = file.replace(/\.toml$/, '');
      const { diagnostics } = parseAccessFile(readFileSync(join(dir, file), 'utf8'), { file });
      const expected = resolverRules.has(rule) ? [] : [rule];
      expect({ file, rules: diagnostics.map((d) => d.ruleId) }).toEqual({ file, rules: expected });
    }
  });

  it('sorts diagnostics by line, column and rule id', () => {
    const { diagnostics } = parse('[[user]]\nid = "a"\nxx = 1\n[[user]]\nid = "a "\nallow = "b,,c"\nyy = 1\n');
    const keys = diagnostics.map((d) => [d.span.start.line, d.span.start.column]);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(keys).toEqual(sorted);
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['unknown-key', 'id-whitespace', 'empty-item', 'unknown-key']);
  });
});

describe('parseAccessFile: never throws', () => {
  const valid = readdirSync(join(FIXTURES, 'valid'))
    .filter((f) => f.endsWith('.toml'))
    .map((f) => readFileSync(join(FIXTURES, 'valid', f), 'utf8'));

  function check(text: string): void {
    const result = parseAccessFile(text);
    expect(Array.isArray(result.diagnostics)).toBe(true);
    if (result.model === null) expect(result.diagnostics.some((d) => d.fatal)).toBe(true);
    for (const d of result.diagnostics) {
      expect(d.span.start.line).toBeGreaterThanOrEqual(1);
      expect(d.span.start.column).toBeGreaterThanOrEqual(1);
      expect(d.span.end.offset).toBeGreaterThanOrEqual(d.span.start.offset);
      expect(d.span.end.offset).toBeLessThanOrEqual(text.length);
    }
    for (const entry of [...(result.model?.users ?? []), ...(result.model?.roles ?? [])]) {
      for (const range of [entry.range, entry.idRange]) {
        expect(range.start).toBeGreaterThanOrEqual(0);
        expect(range.end).toBeLessThanOrEqual(text.length);
      }
    }
  }

  it('on random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 500 });
  });

  it('on random TOML-like documents', () => {
    const key = fc.constantFrom(
      'id',
      'roles',
      'allow',
      'deny',
      'bare',
      'rolez',
      '"q"',
      'a.b',
      '__proto__',
      'constructor',
    );
    const value = fc.constantFrom(
      '"a, b"',
      '""',
      '"a,,"',
      '["x", 1]',
      '[]',
      'true',
      '"true"',
      '1',
      '{ id = "x" }',
      '"é🔑"',
      "'''x\ny'''",
    );
    const line = fc.oneof(
      fc.constantFrom('[[user]]', '[[role]]', '[user]', '[role]', '[user.x]', 'user = []', 'role = {}', '# c', ''),
      fc.tuple(key, value).map(([k, v]) => `${k} = ${v}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, crlf) =>
        check(lines.join(crlf ? '\r\n' : '\n')),
      ),
      { numRuns: 2000 },
    );
  });

  it('on mutations of valid files', () => {
    const mutation = fc.tuple(
      fc.constantFrom(...valid),
      fc.array(fc.record({ at: fc.nat(2000), cut: fc.nat(5), insert: fc.string({ maxLength: 4 }) }), { maxLength: 5 }),
    );
    fc.assert(
      fc.property(mutation, ([base, edits]) => {
        let text = base;
        for (const { at, cut, insert } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        check(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('on a value that is not a string at all', () => {
    expect(parseAccessFile(undefined as unknown as string).diagnostics).toEqual([]);
  });
});

describe('parseAccessFile: section by section equals all at once', () => {
  /** Everything but the SourceText (compared by its text). */
  const comparable = (result: ParseResult) => ({
    diagnostics: result.diagnostics,
    roles: result.model?.roles,
    users: result.model?.users,
    text: result.model?.source.text,
  });

  it('on every fixture', () => {
    for (const kind of ['valid', 'invalid']) {
      for (const file of readdirSync(join(FIXTURES, kind)).filter((f) => f.endsWith('.toml'))) {
        const text = readFileSync(join(FIXTURES, kind, file), 'utf8');
        expect({ file, ...comparable(parseAccessFile(text)) }).toEqual({
          file,
          ...comparable(parseAccessFileAtOnce(text)),
        });
      }
    }
  });

  it('on random access files with problems of every kind', () => {
    const key = fc.constantFrom('id', 'roles', 'allow', 'deny', 'bare', 'rolez', '"allow"', 'x.y');
    const value = fc.constantFrom(
      '"a, b"',
      '""',
      '"u1"',
      '"u1 "',
      '"a,,"',
      '["x", 1]',
      '["", "y"]',
      'true',
      '"true"',
      '"no"',
      '1',
      '"\\u0061, b"',
    );
    const line = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom('[[user]]', '[[role]]', '[user]', '[role]', 'title = 1', '# c', '') },
      { weight: 3, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k} = ${v}`) },
    );
    let sectioned = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 16 }), (lines) => {
        const text = lines.join('\n');
        const atOnce = parseAccessFileAtOnce(text);
        const result = parseAccessFile(text);
        expect(comparable(result)).toEqual(comparable(atOnce));
        if (assembleSections(text, scanPositions(text).headers) !== undefined) sectioned++;
      }),
      { numRuns: 3000 },
    );
    expect(sectioned).toBeGreaterThan(300);
  });
});
