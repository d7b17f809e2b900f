import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAccessFile, readAccessFile } from '../src/read-access-file';
import { sha256, tempDir } from './helpers';

describe('readAccessFile', () => {
  let dir: string;
  let remove: () => void;
  beforeEach(() => ({ dir, remove } = tempDir()));
  afterEach(() => remove());

  it('reads the bytes and their sha256', async () => {
    writeFileSync(join(dir, 'a.toml'), 'x = "é"\n');
    const read = await readAccessFile(join(dir, 'a.toml'));
    expect(read).toMatchObject({ kind: 'ok', hash: sha256('x = "é"\n') });
    if (read.kind === 'ok') expect(decodeAccessFile(read.bytes)).toBe('x = "é"\n');
  });

  it('calls a missing file and a dangling symlink missing', async () => {
    expect(await readAccessFile(join(dir, 'none.toml'))).toEqual({ kind: 'missing' });
    symlinkSync(join(dir, '..data', 'gone.toml'), join(dir, 'link.toml'));
    expect(await readAccessFile(join(dir, 'link.toml'))).toEqual({ kind: 'missing' });
  });

  it('reports a directory as an error with its errno code', async () => {
    mkdirSync(join(dir, 'sub'));
    expect(await readAccessFile(join(dir, 'sub'))).toMatchObject({ kind: 'error', code: 'EISDIR' });
  });

  it('refuses to decode bytes that are not UTF-8', () => {
    expect(decodeAccessFile(Buffer.from([0x61, 0xc3, 0x28]))).toBeNull();
  });
});
