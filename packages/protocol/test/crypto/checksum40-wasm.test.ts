import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { checksum40 } from '../../src/crypto/blake2b';
import { blake2b } from '@nano-access/protocol';
import { CHECKSUM40_INPUT, wasmChecksum40 } from '../../src/crypto/checksum40-wasm';

/** The number checksum40 returns, from the general BLAKE2b with a 5-byte digest. */
function reference(key: Uint8Array): number {
  const d = blake2b(key, 5);
  return d[0] + d[1] * 0x100 + d[2] * 0x10000 + d[3] * 0x1000000 + d[4] * 0x100000000;
}

describe('wasmChecksum40', () => {
  it('is BLAKE2b-40 of the 32 bytes in its input memory, for any key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        CHECKSUM40_INPUT.set(key);
        const expected = reference(key);
        expect(wasmChecksum40()).toBe(expected);
        expect(checksum40(key, 0)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads only the key: bytes after the first 32 do not change the checksum', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    CHECKSUM40_INPUT.set(key);
    CHECKSUM40_INPUT.fill(0xff, 32);
    expect(wasmChecksum40()).toBe(reference(key));
    CHECKSUM40_INPUT.fill(0, 32);
  });

  it('gives the checksum of the all-zero key (the burn address nano_1111…hifc8npp)', () => {
    CHECKSUM40_INPUT.fill(0);
    expect(wasmChecksum40()).toBe(reference(new Uint8Array(32)));
  });
});

describe('the address check without WebAssembly', () => {
  it('checks addresses with the JavaScript compression under node --jitless (no WebAssembly)', () => {
    // The built module (npm test builds first): a plain `node` child cannot load the TypeScript source.
    const dist = join(__dirname, '..', '..', 'dist', 'crypto', 'nano-address.js');
    const script = `
      const { isValidAccount } = require(${JSON.stringify(dist)});
      const good = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
      const bad = good.slice(0, -1) + '7';
      process.stdout.write(JSON.stringify([typeof WebAssembly, isValidAccount(good), isValidAccount(bad)]));`;
    const run = spawnSync(process.execPath, ['--jitless', '-e', script], { encoding: 'utf8' });
    expect(run.stderr.replace(/.*disabling flag --expose_wasm.*\n?/, '')).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(['undefined', true, false]);
  });
});
