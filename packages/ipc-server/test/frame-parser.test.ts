import fc from 'fast-check';
import { InflightBudget } from '../src/budgets';
import { FrameParser } from '../src/frame-parser';
import { encodeRequest } from '../src/framing';

describe('FrameParser', () => {
  it('reads back any sequence of frames, however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            encoding: fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4),
            payload: fc.uint8Array({ minLength: 1, maxLength: 300 }),
          }),
          { maxLength: 10 },
        ),
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

  it('asks the admission from the length prefix, before any payload byte, and refuses a frame it does not admit', () => {
    const budget = new InflightBudget(200); // frames still arriving: 100 at most
    const parser = new FrameParser(100, undefined, budget.account());
    parser.push(Buffer.from([0x4e, 4, 0, 0, 0, 0, 0, 60]));
    expect(parser.next()).toBeNull();
    expect(budget).toMatchObject({ used: 60, partial: 60 });
    const other = new FrameParser(100, undefined, budget.account());
    other.push(Buffer.from([0x4e, 1, 0, 0, 0, 0, 0, 41]));
    expect(other.next()).toEqual({ error: { kind: 'over-budget', encoding: 1, length: 41 } });
    expect(budget).toMatchObject({ used: 60, partial: 60, refused: 1 });
  });

  it('charges a frame that arrived whole to the budget only, and moves a partial one there when its last byte arrives', () => {
    const budget = new InflightBudget(200);
    const account = budget.account();
    const parser = new FrameParser(100, undefined, account);
    parser.push(encodeRequest(4, Buffer.alloc(90, 0x20)));
    expect(parser.next()).toMatchObject({ frame: { encoding: 4 } });
    expect(budget).toMatchObject({ used: 90, partial: 0 });
    const stream = encodeRequest(4, Buffer.alloc(80, 0x20));
    parser.push(stream.subarray(0, 20));
    expect(parser.next()).toBeNull();
    expect(budget).toMatchObject({ used: 170, partial: 80 });
    parser.push(stream.subarray(20));
    expect(parser.next()).toMatchObject({ frame: { encoding: 4 } });
    expect(budget).toMatchObject({ used: 170, partial: 0 });
    account.release(90);
    expect(budget.used).toBe(80);
    account.close();
    expect(budget).toMatchObject({ used: 0, partial: 0 });
    account.release(80); // after close: nothing left to give back
    expect(budget.used).toBe(0);
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
