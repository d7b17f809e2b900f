import type { FrameAdmission } from './budgets';
import { ByteQueue } from './byte-queue';
import { isEncoding, LENGTH_BYTES, PREAMBLE_BYTES, PREAMBLE_LEAD, type Encoding } from './framing';

export interface RequestFrame {
  encoding: Encoding;
  payload: Buffer;
}

/**
 * Why a stream can no longer be read as frames. With `encoding` set, the
 * preamble was intact and the peer can still be told what went wrong.
 */
export type FramingError =
  | { kind: 'bad-preamble' }
  | { kind: 'empty'; encoding: Encoding }
  | { kind: 'too-large'; encoding: Encoding; length: number }
  /** The length is within max_frame_bytes but the server-wide budget of bytes in flight has no room for it. */
  | { kind: 'over-budget'; encoding: Encoding; length: number };

export type ParseStep = { frame: RequestFrame } | { error: FramingError } | null;

/**
 * A streaming request-frame parser. Feed it chunks; pull complete frames.
 * The length prefix is checked against maxFrameBytes, then put to the
 * admission (the server's budget of bytes in flight), as soon as its four
 * bytes are in, before any payload is buffered or allocated.
 */
export class FrameParser {
  private readonly queue: ByteQueue;
  private encoding: Encoding | null = null;
  private length = -1;
  private failed: FramingError | null = null;
  /** The current frame was admitted before all its bytes were here. */
  private admittedPartial = false;

  constructor(
    private readonly maxFrameBytes: number,
    queue?: ByteQueue,
    private readonly admission?: FrameAdmission,
  ) {
    this.queue = queue ?? new ByteQueue();
  }

  push(chunk: Buffer): void {
    if (this.failed === null) this.queue.push(chunk);
  }

  /** Whether a frame has started and not completed (bytes are buffered, or a preamble was read). */
  get partial(): boolean {
    return this.failed === null && (this.encoding !== null || this.queue.length > 0);
  }

  /** Buffered, unconsumed bytes. */
  get buffered(): number {
    return this.queue.length;
  }

  /** The next complete frame, a framing error (terminal), or null when more bytes are needed. */
  next(): ParseStep {
    if (this.failed !== null) return { error: this.failed };
    if (this.encoding === null) {
      // Reject a bad lead byte as soon as it arrives, not after four bytes.
      const lead = this.queue.peek(0);
      if (lead === undefined) return null;
      if (lead !== PREAMBLE_LEAD) return this.fail({ kind: 'bad-preamble' });
      const preamble = this.queue.peekUInt32BE(0);
      if (preamble === undefined) {
        const encodingByte = this.queue.peek(1);
        if (encodingByte !== undefined && !isEncoding(encodingByte)) return this.fail({ kind: 'bad-preamble' });
        return null;
      }
      // 'N', the encoding, 0, 0: read as one number, no Buffer view cut for it.
      const encoding = (preamble >>> 16) & 0xff;
      if (!isEncoding(encoding) || (preamble & 0xffff) !== 0) return this.fail({ kind: 'bad-preamble' });
      this.queue.skip(PREAMBLE_BYTES);
      this.encoding = encoding;
    }
    if (this.length < 0) {
      const length = this.queue.peekUInt32BE(0);
      if (length === undefined) return null;
      this.queue.skip(LENGTH_BYTES);
      if (length === 0) return this.fail({ kind: 'empty', encoding: this.encoding });
      if (length > this.maxFrameBytes) return this.fail({ kind: 'too-large', encoding: this.encoding, length });
      if (this.admission !== undefined) {
        const whole = this.queue.length >= length;
        if (!this.admission.admit(length, whole))
          return this.fail({ kind: 'over-budget', encoding: this.encoding, length });
        this.admittedPartial = !whole;
      }
      this.length = length;
    }
    const payload = this.queue.take(this.length);
    if (payload === null) return null;
    if (this.admittedPartial) {
      this.admittedPartial = false;
      this.admission!.arrived(this.length);
    }
    const frame: RequestFrame = { encoding: this.encoding, payload };
    this.encoding = null;
    this.length = -1;
    return { frame };
  }

  private fail(error: FramingError): ParseStep {
    this.failed = error;
    this.queue.clear();
    return { error };
  }
}
