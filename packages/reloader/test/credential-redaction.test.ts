import { parseAccessFile } from '@nano-access/parser';
import { credentialsIn, idLengthsOf, redactCredentials, redactKnownIds } from '../src/credential-redaction';

describe('credential redaction', () => {
  it('finds user ids in valid and in broken TOML, escapes decoded', () => {
    const text =
      '[[user]]\nid = "key-one-1234567890"\n[[user]]\n"id" = \'key-two-literal\'\n[[user]]\nid = "esc\\u0061ped-key"\n[[user]\nid = "broken-key-999"\n';
    const found = credentialsIn(text, 'config-access.toml');
    expect(found).toEqual(
      expect.arrayContaining(['key-one-1234567890', 'key-two-literal', 'escaped-key', 'broken-key-999']),
    );
  });

  it('finds ids written with TOML-only string forms through the parser', () => {
    const text = '[[user]]\nid = """multi-line-key-000"""\n[[user]]\nid = "esc\\U00000061ped-key-2"\n';
    expect(credentialsIn(text, 'config-access.toml')).toEqual(
      expect.arrayContaining(['multi-line-key-000', 'escaped-key-2']),
    );
  });

  it('replaces long ids anywhere and short ids only where quoted', () => {
    expect(redactCredentials('duplicate user "key-one-1234567890" (key-one-1234567890)', ['key-one-1234567890'])).toBe(
      'duplicate user "[redacted]" ([redacted])',
    );
    expect(redactCredentials('user "ab" is weak; about the table', ['ab'])).toBe(
      'user "[redacted]" is weak; about the table',
    );
  });

  it('finds known ids by lookup, anywhere for 4 characters or more and only quoted below, overlaps as one', () => {
    const ids = new Set(['key-one-1234567890', 'one-1234', 'ab']);
    const isKnown = (candidate: string): boolean => ids.has(candidate);
    const lengths = new Set([...ids].map((id) => id.length));
    expect(redactKnownIds('duplicate user "key-one-1234567890" (key-one-1234567890)', isKnown, lengths)).toBe(
      'duplicate user "[redacted]" ([redacted])',
    );
    expect(redactKnownIds('user "ab" is weak; about the table', isKnown, lengths)).toBe(
      'user "[redacted]" is weak; about the table',
    );
    expect(redactKnownIds('no id here at all', isKnown, lengths)).toBe('no id here at all');
  });

  describe('idLengthsOf', () => {
    const plain = '[[user]]\n\n[[user]]\nid = "key-one-1234567890"\nallow = "node_query"\n\n[[user]]\nid = "k2"\n';
    // The same users written so that the plain-file reader declines (a literal string): the general path.
    const general = "[[user]]\n\n[[user]]\nid = 'key-one-1234567890'\nallow = \"node_query\"\n\n[[user]]\nid = 'k2'\n";

    it('gives the lengths of every id, on the plain-file path and the general one alike', () => {
      const fromPlain = parseAccessFile(plain, { file: 'a.toml' }).model;
      const fromGeneral = parseAccessFile(general, { file: 'a.toml' }).model;
      expect(fromPlain?.userColumns).toBeDefined();
      expect(fromGeneral?.userColumns).toBeUndefined();
      const expected = new Set((fromGeneral?.users ?? []).map((user) => user.id.length));
      expect(expected).toEqual(new Set([18, 2, 0]));
      expect(idLengthsOf(fromPlain)).toEqual(expected);
      expect(idLengthsOf(fromGeneral)).toEqual(expected);
      expect(idLengthsOf(null)).toEqual(new Set());
    });

    it('reads the columns without building model.users when the file has them', () => {
      const model = parseAccessFile(plain, { file: 'a.toml' }).model;
      if (model === null) throw new Error('no model');
      const columns = model.userColumns;
      const guarded = Object.defineProperties(
        {},
        {
          userColumns: { get: () => columns },
          users: {
            get: () => {
              throw new Error('model.users was built');
            },
          },
        },
      ) as typeof model;
      expect(idLengthsOf(guarded)).toEqual(new Set([18, 2, 0]));
    });
  });
});
