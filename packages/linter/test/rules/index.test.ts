import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText, rules, rulesById } from '@nano-access/linter';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const accessSpec = readFileSync(join(repoRoot, '..', 'shared', 'spec', 'ACCESS.md'), 'utf8');
const rulesDoc = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');

/** Rule ids of ACCESS.md §5's table, with their severity. */
const specRules = [...accessSpec.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => [m[1], m[2]]);

describe('the rule list', () => {
  it('is sorted by id', () => {
    const ids = rules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('has every rule of ACCESS.md §5, with its severity', () => {
    expect(specRules.length).toBeGreaterThanOrEqual(20);
    for (const [id, severity] of specRules) expect([id, rulesById.get(id)?.meta.severity]).toEqual([id, severity]);
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

  it.each(rules.map((r) => r.id))('shows in docs/rules.md a failing example %s reports and a fixed one it does not', (id) => {
    const section = rulesDoc.split(/^## /m).find((s) => s.startsWith(`\`${id}\``))!;
    const [failing, fixed] = [...section.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]);
    // file-mode's examples are one file at two modes.
    const modes = id === 'file-mode' ? [0o100644, 0o100600] : [undefined, undefined];
    const bad = lintText(failing, { file: 'f.toml', mode: modes[0] });
    const good = lintText(fixed, { file: 'f.toml', mode: modes[1] });
    expect(bad.messages.map((m) => m.ruleId)).toContain(id);
    expect(good.messages.map((m) => m.ruleId)).not.toContain(id);
    expect(good.loadable).toBe(true);
  });

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
        expect([message.ruleId, message.messageId, Object.keys(rule!.meta.messages).includes(message.messageId!)]).toEqual([
          message.ruleId,
          message.messageId,
          true,
        ]);
        seen.add(message.ruleId);
      }
    }
    for (const rule of rules.filter((r) => r.meta.source === 'load')) expect([rule.id, seen.has(rule.id)]).toEqual([rule.id, true]);
  });
});
