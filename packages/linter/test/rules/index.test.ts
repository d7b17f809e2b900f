import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, rules, rulesById } from '@nano-access/linter';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const rulesDoc = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');

/** Rule ids of docs/rules.md (one "## `id`" section each), with the severity the section states. */
const documentedRules = [...rulesDoc.matchAll(/^## `([a-z-]+)`\n\nSeverity: \*\*(error|warning)\*\*/gm)].map((m) => [
  m[1],
  m[2],
]);

describe('the rule list', () => {
  it('is sorted by id', () => {
    const ids = rules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('has every rule of docs/rules.md, with the severity documented there, and no other', () => {
    expect(documentedRules.length).toBeGreaterThanOrEqual(21);
    for (const [id, severity] of documentedRules)
      expect([id, rulesById.get(id)?.meta.severity]).toEqual([id, severity]);
    expect(rules.map((r) => r.id)).toEqual(documentedRules.map(([id]) => id));
  });

  it('has the error rules that make a server refuse a file, and the warnings users rely on', () => {
    const bySeverity = (severity: string): string[] =>
      rules.filter((r) => r.meta.severity === severity).map((r) => r.id);
    expect(bySeverity('error')).toEqual(
      expect.arrayContaining([
        'default-user-order',
        'duplicate-role',
        'duplicate-user',
        'invalid-type',
        'missing-role-id',
        'role-deny',
        'toml-syntax',
        'unknown-key',
        'unknown-permission',
        'unknown-role',
      ]),
    );
    expect(bySeverity('warning')).toEqual(
      expect.arrayContaining([
        'bare-string',
        'empty-item',
        'empty-user',
        'file-mode',
        'id-whitespace',
        'ineffective-deny',
        'redundant-allow',
        'unrestricted-default',
        'unused-role',
        'weak-credential',
      ]),
    );
  });

  it('gives each rule a one-line description and a docs link to its own section', () => {
    for (const rule of rules) {
      expect(rule.meta.description).toMatch(/^[A-Z`].*\.$/);
      expect(rule.meta.description).not.toContain('\n');
      expect(rule.meta.docs).toBe(`docs/rules.md#${rule.id}`);
    }
  });

  it.each(rules.map((r) => r.id))('documents %s in docs/rules.md: what, why, a failing and a fixed example', (id) => {
    const section = rulesDoc.split(/^## /m).find((s) => s.startsWith(`\`${id}\``) || s.startsWith(`${id}\n`));
    expect(section).toBeDefined();
    expect(section).toMatch(/Severity: \*\*(error|warning)\*\*/);
    expect(section).toMatch(/```toml[\s\S]*```[\s\S]*```toml[\s\S]*```/);
  });

  it.each(rules.map((r) => r.id))(
    'shows in docs/rules.md a failing example %s reports and a fixed one it does not',
    (id) => {
      const section = rulesDoc.split(/^## /m).find((s) => s.startsWith(`\`${id}\``))!;
      const [failing, fixed] = [...section.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]);
      // file-mode's examples are one file at two modes.
      const modes = id === 'file-mode' ? [0o100644, 0o100600] : [undefined, undefined];
      const bad = lintText(failing, { file: 'f.toml', mode: modes[0] });
      const good = lintText(fixed, { file: 'f.toml', mode: modes[1] });
      expect(bad.messages.map((m) => m.ruleId)).toContain(id);
      expect(good.messages.map((m) => m.ruleId)).not.toContain(id);
      expect(good.loadable).toBe(true);
    },
  );

  it('declares every messageId the loader emits under a forwarded rule', () => {
    const files = [
      '[[user]\n',
      '[[user]]\nid = 1\nbare = 2\nroles = 3\n',
      'role = 3\nuser = [1]\n',
      'x = 1\n[[user]]\nalow = ""\n',
      '[[role]]\n[[role]]\nid = ""\ndeny = "a"\n[[role]]\nid = " r"\n[[role]]\nid = " r"\n',
      '[[user]]\nid = "k"\n[[user]]\nid = "k"\n[[user]]\n[[user]]\nid = " x"\nbare = "true"\nallow = "a,,b"\nroles = "q"\n',
      '[[user]]\nallow = ["walet"]\ndeny = "wallet,"\n',
      '[user]\nallow = 5\n',
      '[[user]]\nid = """x"""\n[[user]]\nid = "Zq8vN2xK7mB4rT9wL3pH6yC1"\nallow = """a"""\ndeny = ["""b"""]\n[[role]]\nid = \'\'\'r\'\'\'\n',
      '[[user]]\nid = "a\\e"\n',
    ];
    const seen = new Set<string>();
    for (const text of files) {
      for (const message of lintText(text, { file: 'f.toml' }).messages) {
        const rule = rulesById.get(message.ruleId);
        expect(rule).toBeDefined();
        expect([
          message.ruleId,
          message.messageId,
          Object.keys(rule!.meta.messages).includes(message.messageId!),
        ]).toEqual([message.ruleId, message.messageId, true]);
        seen.add(message.ruleId);
      }
    }
    for (const rule of rules.filter((r) => r.meta.source === 'load'))
      expect([rule.id, seen.has(rule.id)]).toEqual([rule.id, true]);
  });
});
