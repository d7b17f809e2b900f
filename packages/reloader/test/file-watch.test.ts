import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchFile } from '../src/file-watch';
import type { FileWatch } from '../src/file-watch';
import { tempDir, waitFor } from './helpers';

jest.setTimeout(60000);

describe('watchFile', () => {
  let dir: string;
  let remove: () => void;
  let watch: FileWatch | null = null;
  beforeEach(() => ({ dir, remove } = tempDir()));
  afterEach(async () => {
    await watch?.close();
    watch = null;
    remove();
  });

  it('reports a file renamed over the watched name', async () => {
    const file = join(dir, 'config-access.toml');
    writeFileSync(file, 'a');
    let calls = 0;
    watch = await watchFile(
      file,
      () => (calls += 1),
      (error) => {
        throw error;
      },
    );
    writeFileSync(join(dir, 'new.toml'), 'b');
    renameSync(join(dir, 'new.toml'), file);
    // waitFor throws (failing the test) when no change call arrives.
    await waitFor(() => calls > 0, 'a change call');
  });

  it('reports a swap of the ..data symlink', async () => {
    mkdirSync(join(dir, '..v1'));
    writeFileSync(join(dir, '..v1', 'config-access.toml'), 'a');
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync(join('..data', 'config-access.toml'), join(dir, 'config-access.toml'));
    let calls = 0;
    watch = await watchFile(
      join(dir, 'config-access.toml'),
      () => (calls += 1),
      (error) => {
        throw error;
      },
    );
    mkdirSync(join(dir, '..v2'));
    writeFileSync(join(dir, '..v2', 'config-access.toml'), 'b');
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    // waitFor throws (failing the test) when no change call arrives.
    await waitFor(() => calls > 0, 'a change call');
  });
});
