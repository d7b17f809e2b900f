import { formatters, IdMasker, lintText, rules } from '@nano-access/linter';
import { loadPolicy } from '@nano-access/resolver';
import { STRONG_A, STRONG_B, toml } from './helpers/lint';

const KEY = `k3y-${STRONG_A}`;

function messages(text: string, showIds = false): string[] {
  return lintText(text, { file: 'f.toml', showIds }).messages.map((m) => m.message);
}

function masker(text: string): IdMasker {
  const loaded = loadPolicy(text, { file: 'f.toml' });
  return new IdMasker({ text, model: loaded.model, diagnostics: loaded.diagnostics });
}

describe('user ids in lint messages', () => {
  const pasted = toml(
    '[[role]]',
    'id = "reader"',
    'allow = "wallet_read"',
    '[[user]]',
    `id = "${STRONG_B}"`,
    'roles = "reader"',
    '[[user]]',
    `id = "${KEY}"`,
    `roles = "reader, ${KEY}"`,
    `allow = ["${KEY}"]`,
    `deny = "x-${KEY}"`,
  );

  it('masks an id pasted into roles, allow or deny, whole or inside a name, naming its user', () => {
    const out = messages(pasted);
    expect(out.join('\n')).not.toContain(STRONG_A);
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Unknown role \[the id of user #2 \(…6yC1\)\]: /),
        expect.stringMatching(/^Unknown permission \[the id of user #2 \(…6yC1\)\]: /),
        expect.stringMatching(/^Unknown permission "x-\[the id of user #2 \(…6yC1\)\]": /),
      ]),
    );
  });

  it('prints them with showIds', () => {
    expect(messages(pasted, true)).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^Unknown role "${KEY}": `))]),
    );
  });

  it('masks in every format, suppressed findings (SARIF) included', () => {
    const text = toml(
      '[[role]]',
      `id = "${KEY}" # nano-access: disable=unused-role`,
      'allow = "wallet_read"',
      '[[user]]',
      `id = "${KEY}"`,
      'allow = "wallet_read"',
    );
    const result = lintText(text, { file: 'f.toml' });
    expect(result.suppressedMessages.map((m) => m.ruleId)).toEqual(['unused-role']);
    for (const format of ['stylish', 'json', 'compact', 'sarif', 'github'] as const) {
      const out = formatters[format]([result], { cwd: '/', rules });
      expect({ format, leaks: out.includes(STRONG_A) }).toEqual({ format, leaks: false });
    }
    expect(formatters.sarif([result], { cwd: '/', rules })).toContain('[the id of user #1 (…6yC1)]');
  });

  it('masks an id written as a multi-line string (refused, so not in the model) where another message quotes it', () => {
    const text = toml('[[user]]', `id = """${KEY}"""`, '[[user]]', `id = "${STRONG_B}"`, `allow = "${KEY}"`);
    const out = messages(text);
    expect(out.join('\n')).not.toContain(STRONG_A);
    expect(out).toContainEqual(expect.stringMatching(/^Unknown permission \[a user id \(…6yC1\)\]/));
  });

  it('masks a short id only where a message quotes exactly it, and leaves other text alone', () => {
    const m = masker(toml('[[user]]', 'id = "abc"', 'roles = "abc"'));
    expect(m.message('Unknown role "abc": no role.')).toBe('Unknown role [the id of user #1 (…)]: no role.');
    expect(m.message('Unknown role "abcd" and "xabc".')).toBe('Unknown role "abcd" and "xabc".');
    expect(m.message('no quotes at all, abc')).toBe('no quotes at all, abc');
  });

  it('never treats the default user (no id) as an id, and stays linear on a name full of quotes', () => {
    const m = masker(toml('[[user]]', 'allow = "wallet_read"', '[[user]]', `id = "${KEY}"`));
    expect(m.message('Unknown role "".')).toBe('Unknown role "".');
    const quotes = `"${'"'.repeat(20_000)}${KEY}"`;
    expect(m.message(`Unknown role ${quotes}.`)).not.toContain(STRONG_A);
  });
});
