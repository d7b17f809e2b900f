import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../src/content-hash';
import { tempDir } from './helpers';

describe('contentHash', () => {
  it('is the hex sha256 that openssl prints for the same file', () => {
    const { dir, remove } = tempDir();
    try {
      const bytes = Buffer.from('[[user]]\nid = ""\nallow = "api_account_weight"\n');
      writeFileSync(join(dir, 'f'), bytes);
      const printed = execFileSync('/usr/bin/openssl', ['dgst', '-sha256', '-r', join(dir, 'f')])
        .toString()
        .split(' ')[0];
      expect(contentHash(bytes)).toBe(printed);
    } finally {
      remove();
    }
  });
});
