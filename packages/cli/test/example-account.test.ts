import { DOCUMENTED_ACCOUNT, exampleAccount } from '../src/example-account';
import { tempDir } from './helpers/run-cli';

const A = 'nano_1111111111111111111111111111111111111111111111111111hifc8npp';
const B = 'nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3';

describe("exampleAccount (the account of serve's curl examples)", () => {
  it('picks the heaviest representative of the ledger, else its first account', () => {
    const files = tempDir({
      'weights.json': JSON.stringify({
        accounts: [
          { account: A, weight: '5' },
          { account: B, weight: '70' },
        ],
      }),
      'plain.json': JSON.stringify({ accounts: [{ account: A }, { account: B }] }),
    });
    try {
      expect(exampleAccount(files.path('weights.json'))).toBe(B);
      expect(exampleAccount(files.path('plain.json'))).toBe(A);
    } finally {
      files.cleanup();
    }
  });

  it("falls back to the node documentation's account without a ledger, or with one it cannot read", () => {
    const files = tempDir({ 'broken.json': '{', 'empty.json': '{}' });
    try {
      expect(exampleAccount(undefined)).toBe(DOCUMENTED_ACCOUNT);
      expect(exampleAccount(files.path('broken.json'))).toBe(DOCUMENTED_ACCOUNT);
      expect(exampleAccount(files.path('empty.json'))).toBe(DOCUMENTED_ACCOUNT);
      expect(exampleAccount(files.path('missing.json'))).toBe(DOCUMENTED_ACCOUNT);
    } finally {
      files.cleanup();
    }
  });
});
