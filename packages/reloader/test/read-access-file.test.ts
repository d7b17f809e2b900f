import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { decodeAccessFile, firstInvalidUtf8, readAccessFile, readAccessStream } from '../src/read-access-file';
import { ensureBuilt, sha256, tempDir } from './helpers';

jest.setTimeout(60000);

describe('readAccessFile', () => {
  let dir: string;
  let remove: () => void;
  beforeEach(() => ({ dir, remove } = tempDir()));
  afterEach(() => remove());

  it('reads the bytes and their sha256', async () => {
    writeFileSync(join(dir, 'a.toml'), 'x = "é"\n');
    const read = await readAccessFile(join(dir, 'a.toml'));
    expect(read).toMatchObject({ kind: 'ok', hash: sha256('x = "é"\n') });
    if (read.kind === 'ok') expect(decodeAccessFile(read.bytes, 'a.toml')).toEqual({ ok: true, text: 'x = "é"\n' });
  });

  it('reads an empty file', async () => {
    writeFileSync(join(dir, 'empty.toml'), '');
    expect(await readAccessFile(join(dir, 'empty.toml'))).toMatchObject({ kind: 'ok', hash: sha256('') });
  });

  it('calls a missing file and a dangling symlink missing', async () => {
    expect(await readAccessFile(join(dir, 'none.toml'))).toEqual({ kind: 'missing' });
    symlinkSync(join(dir, '..data', 'gone.toml'), join(dir, 'link.toml'));
    expect(await readAccessFile(join(dir, 'link.toml'))).toEqual({ kind: 'missing' });
  });

  it('refuses a FIFO at once (no writer needed: it is opened non-blocking and checked with fstat)', async () => {
    const fifo = join(dir, 'config-access.toml');
    execFileSync('mkfifo', [fifo]);
    expect(await readAccessFile(fifo)).toMatchObject({
      kind: 'error',
      code: 'NA_RELOAD_NOT_A_FILE',
      message: 'the access file is a FIFO (named pipe), not a regular file; only a regular file is read',
    });
  });

  it('refuses a directory and a character device, also through a symlink', async () => {
    mkdirSync(join(dir, 'sub'));
    expect(await readAccessFile(join(dir, 'sub'))).toMatchObject({
      kind: 'error',
      code: 'NA_RELOAD_NOT_A_FILE',
      message: expect.stringContaining('a directory'),
    });
    symlinkSync('/dev/zero', join(dir, 'zero.toml'));
    expect(await readAccessFile(join(dir, 'zero.toml'))).toMatchObject({
      kind: 'error',
      code: 'NA_RELOAD_NOT_A_FILE',
      message: expect.stringContaining('a character device'),
    });
  });

  it('fails a path the system refuses to open (a symlink loop) with NA_RELOAD_READ_FAILED and the errno', async () => {
    // Root reads any mode, so the refusal is one no permission bit can lift: the link resolves to itself.
    symlinkSync('loop.toml', join(dir, 'loop.toml'));
    expect(await readAccessFile(join(dir, 'loop.toml'))).toMatchObject({
      kind: 'error',
      code: 'NA_RELOAD_READ_FAILED',
      message: 'cannot read the access file (ELOOP)',
    });
  });

  it('refuses a file over the size limit, naming the limit', async () => {
    writeFileSync(join(dir, 'big.toml'), 'x'.repeat(1001));
    expect(await readAccessFile(join(dir, 'big.toml'), { maxBytes: 1000 })).toEqual({
      kind: 'error',
      code: 'NA_RELOAD_FILE_TOO_LARGE',
      message: 'the access file is 1001 bytes, over the limit of 1000 bytes (max_file_bytes)',
    });
    writeFileSync(join(dir, 'fits.toml'), 'x'.repeat(1000));
    expect(await readAccessFile(join(dir, 'fits.toml'), { maxBytes: 1000 })).toMatchObject({ kind: 'ok' });
  });

  it('gives the mode and owner of the file it opened and of the directories of the path and of its target', async () => {
    mkdirSync(join(dir, 'releases', '1'), { recursive: true });
    writeFileSync(join(dir, 'releases', '1', 'config-access.toml'), '', { mode: 0o640 });
    chmodSync(join(dir, 'releases', '1'), 0o750);
    symlinkSync(join('releases', '1', 'config-access.toml'), join(dir, 'config-access.toml'));
    const read = await readAccessFile(join(dir, 'config-access.toml'), { displayName: 'config-access.toml' });
    if (read.kind !== 'ok') throw new Error(`read: ${read.kind}`);
    const uid = process.getuid!();
    expect(read.facts).toEqual({
      // The target's mode, not the symlink's 0777.
      file: { path: 'config-access.toml', mode: 0o100640, uid },
      directories: [
        { path: dir, mode: 0o040700, uid },
        { path: join(dir, 'releases', '1'), mode: 0o040750, uid },
      ],
      processUid: uid,
    });
  });

  it('gives up a read at its deadline and does not wait for a stuck thread pool; close() abandons a reload (child process)', async () => {
    ensureBuilt();
    writeFileSync(join(dir, 'config-access.toml'), '[[user]]\nid = ""\nallow = "wallet_read"\n');
    writeFileSync(join(dir, 'other.toml'), '');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const child = spawn(
      process.execPath,
      [
        resolve(__dirname, 'fixtures', 'stuck-pool-child.js'),
        join(dir, 'fifo'),
        join(dir, 'config-access.toml'),
        join(dir, 'other.toml'),
      ],
      {
        env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout) as Record<string, { kind: string; code?: string; message?: string }>;
    expect(report).toMatchObject({
      reload: 'closed',
      afterClose: {
        kind: 'error',
        code: 'NA_RELOAD_READ_TIMEOUT',
        message: expect.stringContaining('an earlier read of the access file has not returned yet'),
      },
      timedOut: {
        kind: 'error',
        code: 'NA_RELOAD_READ_TIMEOUT',
        message: expect.stringContaining('took longer than 200 ms (read_timeout)'),
      },
      again: {
        kind: 'error',
        code: 'NA_RELOAD_READ_TIMEOUT',
        message: expect.stringContaining('has not returned yet'),
      },
      after: { kind: 'ok' },
    });
  });
});

describe('readAccessStream', () => {
  it('reads a stream whole, with no file facts', async () => {
    expect(await readAccessStream(Readable.from([Buffer.from('a = 1\n'), Buffer.from('b = 2\n')]))).toMatchObject({
      kind: 'ok',
      hash: sha256('a = 1\nb = 2\n'),
      facts: null,
    });
  });

  it('fails a stream that errors with NA_RELOAD_READ_FAILED and its errno', async () => {
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('input/output error'), { code: 'EIO' }));
      },
    });
    expect(await readAccessStream(failing)).toMatchObject({
      kind: 'error',
      code: 'NA_RELOAD_READ_FAILED',
      message: 'cannot read the access file (EIO)',
    });
  });

  it('refuses a stream over the size limit', async () => {
    expect(
      await readAccessStream(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 }),
    ).toMatchObject({
      kind: 'error',
      code: 'NA_RELOAD_FILE_TOO_LARGE',
      message: expect.stringContaining('over the limit of 1000 bytes'),
    });
  });
});

describe('decodeAccessFile', () => {
  it('refuses bytes that are not UTF-8, with the line and column (UTF-16, as editors count) of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('[[user]]\nid = "€𝄞'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    const decoded = decodeAccessFile(bytes, 'config-access.toml');
    expect(decoded).toEqual({
      ok: false,
      code: 'NA_RELOAD_NOT_UTF8',
      message: 'the access file is not valid UTF-8 (line 2, column 10)',
      diagnostic: {
        ruleId: 'toml-syntax',
        severity: 'error',
        messageId: 'invalidUtf8',
        file: 'config-access.toml',
        fatal: true,
        message:
          'The file is not valid UTF-8: byte 0xC3 at line 2, column 10 begins no valid character (TOML files are UTF-8).',
        span: { start: { line: 2, column: 10, offset: 18 }, end: { line: 2, column: 10, offset: 18 } },
      },
    });
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong form', [0x61, 0xc0, 0x80], 1],
    ['a surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut off at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['a byte that is never UTF-8', [0x61, 0xff], 1],
  ])('finds %s', (_what, bytes, at) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(at);
    expect(decodeAccessFile(Buffer.from(bytes), 'f').ok).toBe(false);
  });

  it('accepts every well-formed sequence, four-byte ones included', () => {
    const text = 'a é € 𝄞 \u{10FFFF}';
    expect(firstInvalidUtf8(Buffer.from(text))).toBe(Buffer.byteLength(text));
  });
});
