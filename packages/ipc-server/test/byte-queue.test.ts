import fc from 'fast-check';
import { ByteQueue } from '../src/byte-queue';

describe('ByteQueue', () => {
  it('returns exactly the bytes pushed, in order, however they are chunked and taken', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 9000 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 12000 }), { minLength: 1, maxLength: 30 }),
        (chunks, takes) => {
          const queue = new ByteQueue();
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
          chunks.forEach((c) => queue.push(Buffer.from(c)));
          let offset = 0;
          for (const n of takes) {
            const got = queue.take(n);
            if (n > all.length - offset) {
              expect(got).toBeNull();
              continue;
            }
            expect(Buffer.compare(got!, all.subarray(offset, offset + n))).toBe(0);
            offset += n;
            expect(queue.length).toBe(all.length - offset);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('peeks without consuming', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from([1, 2]));
    queue.push(Buffer.from([3]));
    expect([queue.peek(0), queue.peek(2), queue.peek(3)]).toEqual([1, 3, undefined]);
    expect(queue.length).toBe(3);
  });

  it('keeps bytes handed out intact while more small chunks arrive', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('ab'));
    const first = queue.take(2)!;
    queue.push(Buffer.from('cd'));
    expect(first.toString()).toBe('ab');
    expect(queue.take(2)!.toString()).toBe('cd');
  });

  it('takes a megabyte dribbled one byte at a time in linear time', () => {
    const queue = new ByteQueue();
    const one = Buffer.from([7]);
    for (let i = 0; i < 1024 * 1024; i++) queue.push(one);
    const all = queue.take(1024 * 1024)!;
    expect(all.length).toBe(1024 * 1024);
    expect(all.every((b) => b === 7)).toBe(true);
  });
  it('peekUInt32BE reads without consuming and skip discards, across chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 12 }), { maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 9 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (chunks, steps) => {
          const queue = new ByteQueue();
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
          chunks.forEach((c) => queue.push(Buffer.from(c)));
          let offset = 0;
          for (const [at, n] of steps) {
            const left = all.length - offset;
            expect(queue.peekUInt32BE(at)).toBe(at + 4 <= left ? all.readUInt32BE(offset + at) : undefined);
            expect(queue.skip(n)).toBe(n <= left);
            if (n <= left) offset += n;
            expect(queue.length).toBe(all.length - offset);
          }
          const rest = queue.take(all.length - offset)!;
          expect(Buffer.compare(rest, all.subarray(offset))).toBe(0);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});
