import fc from 'fast-check';
import { FrameParser } from '../src/frame-parser';
import { encodeRequest } from '../src/framing';

describe('FrameParser', () => {
  it('reads back any sequence of frames, however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ encoding: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>, payload: fc.uint8Array({ minLength: 1, maxLength: 300 }) }), { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 100 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => encodeRequest(f.encoding, f.payload)));
          const parser = new FrameParser(1000);
          const out: Array<{ encoding: number; payload: Buffer }> = [];
          let offset = 0;
          let i = 0;
          while (offset < stream.length) {
            const n = cuts[i++ % cuts.length];
            parser.push(stream.subarray(offset, offset + n));
            offset += n;
            for (let step = parser.next(); step !== null; step = parser.next()) {
              if ('error' in step) throw new Error(step.error.kind);
              out.push({ encoding: step.frame.encoding, payload: Buffer.from(step.frame.payload) });
            }
          }
          expect(out).toEqual(frames.map((f) => ({ encoding: f.encoding, payload: Buffer.from(f.payload) })));
          expect(parser.partial).toBe(false);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('rejects a bad lead byte at once, before the rest of the preamble', () => {
    const parser = new FrameParser(100);
    parser.push(Buffer.from([0x47]));
    expect(parser.next()).toEqual({ error: { kind: 'bad-preamble' } });
  });

  it('rejects an unknown encoding as soon as its byte arrives', () => {
    const parser = new FrameParser(100);
    parser.push(Buffer.from([0x4e, 9]));
    expect(parser.next()).toEqual({ error: { kind: 'bad-preamble' } });
  });

  it('rejects an oversized length from the four length bytes alone', () => {
    const parser = new FrameParser(100);
    parser.push(Buffer.from([0x4e, 4, 0, 0, 0, 0, 0, 101]));
    expect(parser.next()).toEqual({ error: { kind: 'too-large', encoding: 4, length: 101 } });
  });

  it('rejects a zero length', () => {
    const parser = new FrameParser(100);
    parser.push(Buffer.from([0x4e, 1, 0, 0, 0, 0, 0, 0]));
    expect(parser.next()).toEqual({ error: { kind: 'empty', encoding: 1 } });
  });

  it('stays failed after an error and drops what it buffered', () => {
    const parser = new FrameParser(100);
    parser.push(Buffer.from([0x00, 1, 2, 3]));
    parser.next();
    parser.push(encodeRequest(1, Buffer.from('{}')));
    expect(parser.next()).toEqual({ error: { kind: 'bad-preamble' } });
    expect(parser.buffered).toBe(0);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const parser = new FrameParser(64);
        parser.push(Buffer.from(bytes));
        for (let i = 0; i < 100; i++) {
          const step = parser.next();
          if (step === null || 'error' in step) break;
        }
      }),
      { seed: 3, numRuns: 2000 },
    );
  });
});
