import fc from 'fast-check';
import { parseAccessFile } from '@nano-access/parser';
import { loadPolicy, type CompileResult } from '@nano-access/resolver';
import { lintText } from '@nano-access/linter';
import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';
import { semanticFile } from '../helpers/random-files';

describe('redundant-allow', () => {
  it('accepts an allow that adds a permission', () => {
    expect(findingsOf('redundant-allow', toml('[[user]]', `id = "${STRONG_A}"`, 'allow = "wallet_read"'))).toEqual([]);
  });

  it('warns at an allow of a permission a role of the user grants', () => {
    const text = toml(
      '[[role]]',
      'id = "w"',
      'allow = "wallet"',
      '[[user]]',
      `id = "${STRONG_A}"`,
      'roles = "w"',
      'allow = "wallet_read"',
    );
    expect(findingsOf('redundant-allow', text)).toEqual([
      { messageId: 'fromRole', severity: 'warning', line: 7, column: 10, endLine: 7, endColumn: 21 },
    ]);
    expect(messagesOf('redundant-allow', text)).toEqual([
      'user #1 (…6yC1) already has "wallet_read" from role "w" (through "wallet"); this allow adds nothing.',
    ]);
  });

  it('warns at an allow of a permission inherited from the default user', () => {
    const text = toml('[[user]]', 'allow = "service"', '[[user]]', `id = "${STRONG_A}"`, 'allow = "api_service_stop"');
    expect(findingsOf('redundant-allow', text)).toEqual([
      { messageId: 'inherited', severity: 'warning', line: 5, column: 10, endLine: 5, endColumn: 26 },
    ]);
  });

  it('does not count inheritance for a bare user', () => {
    const text = toml(
      '[[user]]',
      'allow = "service"',
      '[[user]]',
      `id = "${STRONG_A}"`,
      'allow = "api_service_stop"',
      'bare = true',
    );
    expect(findingsOf('redundant-allow', text)).toEqual([]);
  });

  it('warns when the default user allows a built-in default', () => {
    expect(findingsOf('redundant-allow', toml('[[user]]', 'allow = "api_account_weight"'))).toEqual([
      { messageId: 'builtinDefault', severity: 'warning', line: 2, column: 10, endLine: 2, endColumn: 28 },
    ]);
  });

  it('warns at an allow another allow of the same user already includes', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'allow = ["wallet", "wallet_write"]');
    expect(findingsOf('redundant-allow', text)).toEqual([
      { messageId: 'fromAllow', severity: 'warning', line: 3, column: 21, endLine: 3, endColumn: 33 },
    ]);
    expect(messagesOf('redundant-allow', text)[0]).toBe(
      '"wallet_write" is already included in "wallet", also allowed to user #1 (…6yC1); this allow adds nothing.',
    );
  });
});

describe('redundant-allow against explain alone', () => {
  it('reports exactly the allow items explain shows another source for', () => {
    fc.assert(
      fc.property(semanticFile, (text) => {
        const { policy }: CompileResult = loadPolicy(text, { file: 'f.toml' });
        const model = parseAccessFile(text, { file: 'f.toml' }).model!;
        const expected: string[] = [];
        for (const user of model.users) {
          const credentials = user.isDefault ? '' : user.id;
          const seen = new Set<string>();
          for (const ref of user.allow) {
            if (seen.has(ref.name)) continue;
            seen.add(ref.name);
            const grants = policy!.explain(credentials, ref.name).permission!.grants;
            const other = grants.some((grant) => {
              let at = grant;
              let through: string | undefined;
              while (at.source === 'implied' || at.source === 'unrestricted') {
                through = at.source === 'implied' ? at.by : 'unrestricted';
                at = at.via;
              }
              return at.source !== 'allow' || (through !== undefined && through !== ref.name);
            });
            if (other) expected.push(`${ref.range.start}`);
          }
        }
        const found = lintText(text, { file: 'f.toml' })
          .messages.filter((m) => m.ruleId === 'redundant-allow')
          .map((m) => `${m.span.start.offset}`);
        expect(found.sort()).toEqual(expected.sort());
      }),
      { numRuns: 200 },
    );
  });
});
