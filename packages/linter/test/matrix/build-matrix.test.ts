import { matrixFromText } from '@nano-access/linter';
import { STRONG_A, toml } from '../helpers/lint';

const WALLET_USER = 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57';
const text = toml(
  '[[role]]',
  'id = "wallet_admin"',
  'allow = "wallet"',
  '[[user]]',
  `id = "${WALLET_USER}"`,
  'roles = "wallet_admin"',
  'deny = "wallet_seed_change"',
  '[[user]]',
  'id = ""', // not first: a server refuses this file
);

describe('matrixFromText', () => {
  it('has no matrix for a file a server would refuse, only its diagnostics', () => {
    const { matrix, diagnostics } = matrixFromText(text, { file: 'f.toml' });
    expect(matrix).toBeNull();
    expect(diagnostics.map((d) => d.ruleId)).toEqual(['default-user-order']);
  });

  const good = toml(
    '[[role]]',
    'id = "wallet_admin"',
    'allow = "wallet"',
    '[[user]]',
    `id = "${WALLET_USER}"`,
    'roles = "wallet_admin"',
    'deny = "wallet_seed_change"',
  );
  const matrix = matrixFromText(good, { file: 'f.toml' }).matrix!;
  const cell = (permission: string, user: number) => {
    const row = matrix.permissions.indexOf(permission);
    return { allowed: matrix.allowed[row][user], derivation: matrix.derivation(row, user) };
  };

  it('puts the default user first, built-in when the file has none, and masks ids', () => {
    expect(matrix.users.map((u) => [u.label, u.description, u.implicit])).toEqual([
      ['default', 'the default user (not configured: built-in defaults)', true],
      ['#1', 'user #1 (…bc57)', false],
    ]);
    expect(JSON.stringify(matrix)).not.toContain(WALLET_USER);
  });

  it('has a row for every permission of the catalog', () => {
    expect(matrix.permissions[0]).toBe('unrestricted');
    expect(matrix.permissions).toContain('wallet_seed_change');
    expect(matrix.allowed).toHaveLength(matrix.permissions.length);
  });

  it('decides each cell as the policy does, with its derivation', () => {
    expect(cell('wallet_read', 1)).toEqual({
      allowed: true,
      derivation: ['granted by implied by wallet (role wallet_admin)'],
    });
    expect(cell('wallet_seed_change', 1)).toEqual({
      allowed: false,
      derivation: ['granted by implied by wallet (role wallet_admin)', 'removed by deny wallet_seed_change'],
    });
    expect(cell('api_account_weight', 0)).toEqual({
      allowed: true,
      derivation: ['granted by built-in default of the default user'],
    });
    expect(cell('api_account_weight', 1).allowed).toBe(true);
    expect(cell('wallet_read', 0)).toEqual({ allowed: false, derivation: ['granted by nothing'] });
  });

  it('agrees cell by cell with the derivation (check and explain decide alike)', () => {
    matrix.permissions.forEach((permission, row) => {
      matrix.users.forEach((_user, column) => {
        const granted = !matrix.derivation(row, column).includes('granted by nothing');
        const removed = matrix.derivation(row, column).some((line) => line.startsWith('removed by'));
        expect([permission, column, matrix.allowed[row][column]]).toEqual([permission, column, granted && !removed]);
      });
    });
  });

  it('lists a configured default user once, first', () => {
    const withDefault = matrixFromText(toml('[[user]]', 'allow = "wallet_read"', '[[user]]', `id = "${STRONG_A}"`), {
      file: 'f.toml',
    }).matrix!;
    expect(withDefault.users.map((u) => u.description)).toEqual(['the default user', 'user #2 (…6yC1)']);
  });
});
