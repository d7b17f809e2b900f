import { credentialsIn, redactCredentials, redactKnownIds } from '../src/credential-redaction';

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
});
