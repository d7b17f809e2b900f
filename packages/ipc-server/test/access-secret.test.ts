import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAccessSecret } from '../src/access-secret';
import { IpcErrorCode } from '../src/errors';
import { makeTempDir } from './helpers';

describe('readAccessSecret', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  function write(content: string, mode: number): string {
    const file = path.join(temp.dir, `secret-${mode.toString(8)}`);
    fs.writeFileSync(file, content);
    fs.chmodSync(file, mode);
    return file;
  }

  it.each([0o400, 0o440, 0o600, 0o640])('accepts mode %o and strips trailing line breaks', (mode) => {
    expect(readAccessSecret(write('0123456789abcdefXYZ\r\n', mode)).toString()).toBe('0123456789abcdefXYZ');
  });

  it.each([0o644, 0o604, 0o602, 0o660, 0o601, 0o620])(
    'refuses mode %o (group write or any access for others)',
    (mode) => {
      expect(() => readAccessSecret(write('0123456789abcdefXYZ', mode))).toThrow(
        expect.objectContaining({ code: IpcErrorCode.accessFilePermissions }),
      );
    },
  );

  it('refuses a secret shorter than 16 bytes', () => {
    expect(() => readAccessSecret(write('short\n', 0o600))).toThrow(
      expect.objectContaining({ code: IpcErrorCode.accessSecretWeak }),
    );
  });

  it('refuses a missing file and a directory', () => {
    expect(() => readAccessSecret(path.join(temp.dir, 'nope'))).toThrow(
      expect.objectContaining({ code: IpcErrorCode.accessFileUnreadable }),
    );
    expect(() => readAccessSecret(temp.dir)).toThrow(
      expect.objectContaining({ code: IpcErrorCode.accessFileUnreadable }),
    );
  });

  it('refuses a symbolic link (the checked file must be the file read)', () => {
    const target = write('0123456789abcdefXYZ', 0o600);
    const link = path.join(temp.dir, 'link');
    fs.symlinkSync(target, link);
    expect(() => readAccessSecret(link)).toThrow(expect.objectContaining({ code: IpcErrorCode.accessFileUnreadable }));
  });
});
