import fc from 'fast-check';
import { loadPolicy, nanoCatalog, type Catalog } from '@nano-access/resolver';
import { lintText, LinterError } from '@nano-access/linter';
import { lint, STRONG_A, toml } from './helpers/lint';

// Pieces of access files, good and bad, that the property tests combine.
const users = [`id = "${STRONG_A}"`, 'id = ""', 'id = "short"', 'id = 7', `id = " ${STRONG_A}"`];
const lists = [
  'allow = "wallet"',
  'allow = "walet"',
  'allow = "wallet,,service"',
  'deny = "epoch_upgrade"',
  'roles = "ops"',
  'roles = "nope"',
  'bare = "true"',
  'bare = 3',
  'alow = "x"',
];
const roles = [
  '[[role]]\nid = "ops"\nallow = "service"',
  '[[role]]\nid = "ops"\ndeny = "wallet"',
  '[[role]]\nallow = "wallet"',
  '[[role]]\nid = "spare"',
];
const entry = fc.oneof(
  fc.tuple(fc.constantFrom(...users), fc.subarray(lists)).map(([id, keys]) => ['[[user]]', id, ...keys].join('\n')),
  fc.constantFrom(...roles),
  fc.constantFrom('[[user', 'x = 1', '# nano-access: disable=weak-credential', '# nano-access: disable=unknown-role'),
);
const accessFile = fc.array(entry, { maxLength: 6 }).map((parts) => `${parts.join('\n\n')}\n`);

describe('lintText', () => {
  it('reports an error exactly when loadPolicy (what the servers activate with) refuses the file', () => {
    fc.assert(
      fc.property(accessFile, (text) => {
        const loaded = loadPolicy(text, { file: 'f.toml' });
        const result = lintText(text, { file: 'f.toml' });
        expect(result.loadable).toBe(loaded.policy !== null);
        expect(result.errorCount > 0).toBe(loaded.policy === null);
        // The same errors, word for word, wherever they are.
        const errors = (
          list: readonly { severity: string; ruleId: string; message: string; span: unknown }[],
        ): unknown[] => list.filter((d) => d.severity === 'error').map((d) => [d.ruleId, d.message, d.span]);
        expect(errors(result.messages)).toEqual(errors(loaded.diagnostics));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(() => lintText(text, { file: 'f.toml', mode: 0o644 })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('never puts a user id in a message', () => {
    const ids = ['lab-node-key', 'aaaaaaaaaaaaaaaaaaaaaaaa', `${STRONG_A}x`];
    const text = toml(
      '[[user]]',
      'allow = "unrestricted"',
      '[[user]]',
      `id = "${ids[0]}"`,
      'bare = true',
      'deny = "wallet"',
      '[[user]]',
      `id = "${ids[1]}"`,
      'allow = "api_account_weight"',
      '[[user]]',
      `id = " ${ids[2]}"`,
      '[[user]]',
      `id = "${ids[1]}"`,
    );
    const result = lint(text, { mode: 0o666 });
    expect(result.messages.length).toBeGreaterThan(3);
    for (const message of result.messages) for (const id of ids) expect(message.message).not.toContain(id);
  });

  it('sorts findings by line, column and rule id', () => {
    const { messages } = lint(toml('[[user]]', 'id = "short"', 'bare = true', '[[role]]', 'id = "r"'));
    const keys = messages.map((m) => [m.span.start.line, m.span.start.column, m.ruleId]);
    expect(keys).toEqual([
      [2, 6, 'empty-user'],
      [2, 6, 'weak-credential'],
      [5, 6, 'unused-role'],
    ]);
  });

  it('checks names against the catalog it is given', () => {
    const catalog: Catalog = {
      name: 'tiny',
      permissions: [
        { name: 'unrestricted', description: 'all', implies: [] },
        { name: 'read', description: 'read', implies: [] },
      ],
      defaults: [],
      messages: {},
    };
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "read, wallet"');
    expect(lint(text, { catalog }).messages.map((m) => m.ruleId)).toEqual(['unknown-permission']);
    expect(lint(text, { catalog: nanoCatalog }).messages.map((m) => m.ruleId)).toEqual(['unknown-permission']);
    expect(lint(text, { catalog }).messages[0].message).toContain('"wallet"');
  });

  describe('rule settings', () => {
    const weak = toml('[[user]]', 'id = "short-key"', 'allow = "wallet"');

    it('turns a warning rule off', () => {
      expect(lint(weak, { rules: { 'weak-credential': 'off' } }).messages).toEqual([]);
    });

    it('raises a warning rule to an error (the file still loads)', () => {
      const result = lint(weak, { rules: { 'weak-credential': 'error' } });
      expect(result.messages.map((m) => [m.ruleId, m.severity])).toEqual([['weak-credential', 'error']]);
      expect(result.errorCount).toBe(1);
      expect(result.loadable).toBe(true);
    });

    it('refuses to turn off or lower an error a server would refuse the file for', () => {
      for (const level of ['off', 'warning'] as const) {
        expect(() => lint(weak, { rules: { 'unknown-permission': level } })).toThrow(LinterError);
      }
      try {
        lint(weak, { rules: { 'no-such-rule': 'off' } });
        throw new Error('expected a LinterError');
      } catch (error) {
        expect((error as LinterError).code).toBe('NA_LINT_RULE_SETTING_INVALID');
      }
    });
  });
});
