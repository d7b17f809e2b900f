import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyStore } from '@nano-access/reloader';
import { captureLogger, tempDir } from './helpers';

// Every user id below contains SECRET (or is the short "zq"), so a leak is easy to find.
const IDS = [
  'SECRET-dup-1111-aaaa',
  ' SECRET-space-2222 ',
  'SECRET-empty-3333-bbbb',
  'zq',
  'SECRET-broken-4444',
  'SECRET-ok-5555-cccc',
];
const leaks = (text: string): boolean => text.includes('SECRET') || /\bzq\b/.test(text);

const FILES = {
  good: `[[user]]\nid = "SECRET-ok-5555-cccc"\nallow = "wallet_read"\n`,
  warningsOnly: `[[user]]\nid = " SECRET-space-2222 "\nallow = "wallet_read, ,"\n`,
  userErrors: [
    '[[user]]',
    'id = "SECRET-dup-1111-aaaa"',
    'allow = "wallet_read"',
    '[[user]]',
    'id = "SECRET-dup-1111-aaaa"',
    '[[user]]',
    'id = "zq"',
    'allow = "walet"',
    'roles = "ghost"',
    '[[user]]',
    'id = " SECRET-space-2222 "',
    '[[user]]',
    'id = ""',
    '[[user]]',
    'id = "SECRET-empty-3333-bbbb"',
    'bare = "maybe"',
    'deny = ["SECRET-ok-5555-cccc"]',
    'colour = 1',
    '',
  ].join('\n'),
  brokenIdLine: `[[user]]\nid = "SECRET-broken-4444\nallow = "wallet_read"\n`,
  redefinedId: `[[user]]\nid = "SECRET-dup-1111-aaaa"\nid = "SECRET-ok-5555-cccc"\n`,
};

describe('credentials in the access file', () => {
  it('never reach a log line, an event, the status or an error, whatever the file gets wrong', async () => {
    const { dir, remove } = tempDir();
    const file = join(dir, 'config-access.toml');
    const { logger, lines } = captureLogger('trace');
    const seen: string[] = [];
    try {
      // At first start no policy runs yet: a key pasted into a permission list is only known as
      // a key when it is a user id of the file itself (see the reloads below for the running policy's).
      writeFileSync(
        file,
        FILES.userErrors.replace('deny = ["SECRET-ok-5555-cccc"]', 'deny = ["SECRET-dup-1111-aaaa"]'),
      );
      const failedOpen = await PolicyStore.open(file, { watch: false, logger }).catch((error: Error) => error);
      expect(failedOpen).toMatchObject({ code: 'NA_RELOAD_POLICY_INVALID' });
      seen.push((failedOpen as Error).message, JSON.stringify(failedOpen));

      writeFileSync(file, FILES.good);
      const store = await PolicyStore.open(file, { watch: false, logger });
      store.on('reloaded', (event) => seen.push(JSON.stringify(event)));
      store.on('rejected', (event) => seen.push(JSON.stringify(event)));
      const outcomes: string[] = [];
      for (const text of [FILES.userErrors, FILES.brokenIdLine, FILES.redefinedId, FILES.warningsOnly, FILES.good]) {
        writeFileSync(file, text);
        const result = await store.reload();
        outcomes.push(result.outcome);
        seen.push(JSON.stringify(result), JSON.stringify(store.status()));
      }
      await store.close();
      expect(outcomes).toEqual(['rejected', 'rejected', 'rejected', 'reloaded', 'reloaded']);
      // The diagnostics were logged (so the test looked at real output), by place and rule.
      const rules = lines.map((line) => (JSON.parse(line) as { rule?: string }).rule);
      expect(rules).toEqual(
        expect.arrayContaining([
          'duplicate-user',
          'unknown-permission',
          'unknown-role',
          'id-whitespace',
          'default-user-order',
          'toml-syntax',
        ]),
      );
      expect(lines.length).toBeGreaterThan(10);
      expect(lines.filter(leaks)).toEqual([]);
      expect(seen.filter(leaks)).toEqual([]);
      expect(store.metrics()).not.toMatch(/SECRET/);
    } finally {
      remove();
    }
    expect(IDS.every((id) => leaks(id))).toBe(true);
  });
});
