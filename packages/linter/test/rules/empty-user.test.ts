import fc from 'fast-check';
import { parseAccessFile } from '@nano-access/parser';
import { loadPolicy } from '@nano-access/resolver';
import { lintText } from '@nano-access/linter';
import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';
import { semanticFile } from '../helpers/random-files';

describe('empty-user', () => {
  it('accepts a user that inherits the default permissions', () => {
    expect(findingsOf('empty-user', toml('[[user]]', `id = "${STRONG_A}"`))).toEqual([]);
  });

  it('warns at the id of a bare user with no permissions', () => {
    const text = toml('[[user]]', `id = "${STRONG_A}"`, 'bare = true');
    expect(findingsOf('empty-user', text)).toEqual([
      { messageId: 'empty', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 32 },
    ]);
    expect(messagesOf('empty-user', text)).toEqual([
      'user #1 (…6yC1) ends with no permissions: its credentials open only what anyone may call.',
    ]);
  });

  it('warns when a deny takes away everything the user had', () => {
    expect(findingsOf('empty-user', toml('[[user]]', `id = "${STRONG_A}"`, 'deny = "api_account_weight"'))).toEqual([
      { messageId: 'empty', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 32 },
    ]);
  });
});

describe('empty-user against effective()', () => {
  it('reports exactly the non-default users whose effective set is empty', () => {
    fc.assert(
      fc.property(semanticFile, (text) => {
        const { policy } = loadPolicy(text, { file: 'f.toml' });
        const model = parseAccessFile(text, { file: 'f.toml' }).model!;
        const expected = model.users
          .filter((u) => !u.isDefault && policy!.effective(u.id).length === 0)
          .map((u) => u.idRange.start);
        const found = lintText(text, { file: 'f.toml' })
          .messages.filter((m) => m.ruleId === 'empty-user')
          .map((m) => m.span.start.offset);
        expect(found).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
