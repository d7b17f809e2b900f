import { appendFileSync, mkdirSync, renameSync, symlinkSync, watch as fsWatch, writeFileSync } from 'node:fs';
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

  it('passes over events about other names in the directory without reading the directory', async () => {
    // The access file's directory may be busy (the node's data directory, a log written beside
    // it): an event about another name must cost a name lookup, not a directory listing.
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
    // The module object itself (an import namespace's bindings cannot be spied on).
    const fsPromises = require('node:fs/promises') as typeof import('node:fs/promises');
    const reads = [
      jest.spyOn(fsPromises, 'readdir'),
      jest.spyOn(fsPromises, 'opendir'),
      jest.spyOn(fsPromises, 'lstat'),
      jest.spyOn(fsPromises, 'stat'),
    ];
    try {
      const log = join(dir, 'serve.log');
      for (let i = 0; i < 200; i++) {
        appendFileSync(log, `{"msg":"rpc","i":${i}}\n`);
        if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Events of one directory arrive in order: once the access file's is seen, the log's were handled.
      writeFileSync(file, 'b');
      await waitFor(() => calls > 0, 'the change call of the access file');
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const read of reads) expect(read).not.toHaveBeenCalled();
    } finally {
      for (const read of reads) read.mockRestore();
    }
  });

  it('reports no change for writes to other names in the directory', async () => {
    const file = join(dir, 'config-access.toml');
    writeFileSync(file, 'a');
    const seen: string[] = [];
    watch = await watchFile(
      file,
      () => seen.push('change'),
      (error) => {
        throw error;
      },
    );
    for (let i = 0; i < 50; i++) appendFileSync(join(dir, 'serve.log'), `line ${i}\n`);
    writeFileSync(join(dir, 'config-access.toml.bak'), 'x');
    // A marker write to a second watched-directory file would itself be an event of another name:
    // wait for the log's events to be delivered by waiting on a watch of our own.
    let marker = false;
    const probe = fsWatch(dir, (_event, name) => {
      if (name === 'marker') marker = true;
    });
    try {
      writeFileSync(join(dir, 'marker'), 'm');
      await waitFor(() => marker, 'the marker event');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([]);
    } finally {
      probe.close();
    }
  });
});
