import { loadPolicy } from '@nano-access/resolver';
import { isSecurityRule, lintText, rules, securityFindings } from '@nano-access/linter';
import { STRONG_A, toml } from './helpers/lint';

describe('security rules', () => {
  it('are the rules with a securitySeverity: file-mode, unrestricted-default, weak-credential among them', () => {
    const ids = rules.filter(isSecurityRule).map((rule) => rule.id);
    expect(ids).toEqual(expect.arrayContaining(['file-mode', 'unrestricted-default', 'weak-credential']));
    expect(ids).not.toContain('unused-role');
    for (const rule of rules) expect(isSecurityRule(rule)).toBe(rule.meta.securitySeverity !== undefined);
  });
});

describe('securityFindings', () => {
  const text = toml(
    '[[role]]',
    'id = "spare"',
    'allow = "wallet_read"',
    '[[user]]',
    'allow = "unrestricted"',
    '[[user]]',
    'id = "short"',
    'allow = "wallet_read"',
    '[[user]]',
    `id = "${STRONG_A}"`,
    'allow = "wallet_read, wallet_read"',
  );
  const file = 'config-access.toml';
  const fileFacts = { file: { path: file, mode: 0o100644 }, directories: [] };

  it('reports what lint reports for the security rules, and nothing of the other rules, from the loaded policy', () => {
    const findings = securityFindings({ text, file, loaded: loadPolicy(text, { file }), fileFacts });
    expect(findings.map((d) => d.ruleId).sort()).toEqual(['file-mode', 'unrestricted-default', 'weak-credential']);
    const linted = lintText(text, { file, fileFacts }).messages.filter((d) =>
      rules.find((r) => r.id === d.ruleId && isSecurityRule(r)),
    );
    expect(findings).toEqual(linted);
  });

  it('honours suppression comments, as lint does', () => {
    const suppressed = `# nano-access: disable-file=weak-credential -- lab node\n${text}`;
    const findings = securityFindings({
      text: suppressed,
      file,
      loaded: loadPolicy(suppressed, { file }),
      fileFacts: null,
    });
    expect(findings.map((d) => d.ruleId)).toEqual(['unrestricted-default']);
  });

  it("runs on the plain-file reader's columns without building model.users, with the general path's findings", () => {
    // Written in the plain form (what big files are), and the same with literal strings (the general path).
    const plain = `${text}[[user]]\nid = "aaaaaaaaaaaaaaaaaaaaaaaa"\n`;
    const general = plain.replace(/id = "([^"]*)"/g, "id = '$1'");
    const loadedPlain = loadPolicy(plain, { file });
    const model = loadedPlain.model!;
    expect(model.userColumns).toBeDefined();
    const columns = model.userColumns;
    const guarded = Object.defineProperties(
      { ...model },
      {
        users: {
          get: () => {
            throw new Error('model.users was read');
          },
        },
        userColumns: { get: () => columns },
      },
    );
    const findings = securityFindings({ text: plain, file, loaded: { ...loadedPlain, model: guarded }, fileFacts });
    expect(findings.map((d) => `${d.ruleId} ${d.messageId}`).sort()).toEqual([
      'file-mode readable',
      'unrestricted-default unrestricted',
      'weak-credential lowVariety',
      'weak-credential tooShort',
    ]);
    const loadedGeneral = loadPolicy(general, { file });
    expect(loadedGeneral.model?.userColumns).toBeUndefined();
    expect(findings).toEqual(securityFindings({ text: general, file, loaded: loadedGeneral, fileFacts }));
  });
});
