import fc from 'fast-check';
import { parseAccessFile } from '@nano-access/parser';
import { loadPolicy, nanoCatalog, type CompileResult } from '@nano-access/resolver';
import { lintText } from '@nano-access/linter';
import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';
import { semanticFile } from '../helpers/random-files';

describe('ineffective-deny', () => {
  it('accepts a deny of a permission a role grants', () => {
    const text = toml(
      '[[role]]',
      'id = "w"',
      'allow = "wallet"',
      '[[user]]',
      `id = "${STRONG_A}"`,
      'roles = "w"',
      'deny = "wallet_seed_change"',
    );
    expect(findingsOf('ineffective-deny', text)).toEqual([]);
  });

  it('accepts a deny of a permission that includes one the user has (it removes that one)', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet_read"', 'deny = "wallet"');
    expect(findingsOf('ineffective-deny', text)).toEqual([]);
  });

  it('accepts a deny of an inherited permission', () => {
    expect(
      findingsOf('ineffective-deny', toml('[[user]]', `id = "${STRONG_A}"`, 'deny = "api_account_weight"')),
    ).toEqual([]);
  });

  it('warns at a deny of a permission the user would not have anyway', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet_read"', 'deny = "wallet_read, epoch_upgrade"');
    expect(findingsOf('ineffective-deny', text)).toEqual([
      { messageId: 'ineffective', severity: 'warning', line: 4, column: 22, endLine: 4, endColumn: 35 },
    ]);
    expect(messagesOf('ineffective-deny', text)).toEqual([
      'user #1 (…6yC1) would not have "epoch_upgrade" (nor anything it includes or that includes it) anyway; this deny removes nothing.',
    ]);
  });

  it('accepts a deny of a built-in default by the default user', () => {
    expect(findingsOf('ineffective-deny', toml('[[user]]', 'deny = "api_account_weight"'))).toEqual([]);
  });

  it('judges the default user too', () => {
    expect(findingsOf('ineffective-deny', toml('[[user]]', 'deny = "service"'))).toEqual([
      { messageId: 'ineffective', severity: 'warning', line: 2, column: 9, endLine: 2, endColumn: 16 },
    ]);
  });
});

describe('ineffective-deny against explain alone', () => {
  it('reports exactly the denies for which explain shows nothing granted among all that the deny removes', () => {
    fc.assert(
      fc.property(semanticFile, (text) => {
        const { policy, diagnostics }: CompileResult = loadPolicy(text, { file: 'f.toml' });
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const model = parseAccessFile(text, { file: 'f.toml' }).model!;
        // The plain reading: ask explain about every permission of the catalog.
        const expected: string[] = [];
        for (const user of model.users) {
          const credentials = user.isDefault ? '' : user.id;
          const removing = new Set<string>();
          for (const { name } of nanoCatalog.permissions) {
            const explained = policy!.explain(credentials, name).permission!;
            if (explained.grants.length === 0) continue;
            for (const deny of explained.denies) if (deny.source === 'deny') removing.add(deny.permission);
          }
          const seen = new Set<string>();
          for (const ref of user.deny) {
            if (removing.has(ref.name) || seen.has(ref.name)) continue;
            seen.add(ref.name);
            expected.push(`${ref.range.start}`);
          }
        }
        const found = lintText(text, { file: 'f.toml' })
          .messages.filter((m) => m.ruleId === 'ineffective-deny')
          .map((m) => `${m.span.start.offset}`);
        expect(found.sort()).toEqual(expected.sort());
      }),
      { numRuns: 200 },
    );
  });
});
