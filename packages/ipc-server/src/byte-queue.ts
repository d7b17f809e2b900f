import { emptyInPlace } from './empty-in-place';

/**
 * Received bytes not yet consumed, as a list of chunks.
 *
 * Bytes are joined only when a complete unit (a preamble, a length, a payload)
 * is taken, so a frame dribbled one byte at a time costs linear time. Small
 * chunks arriving behind pending bytes are copied into a shared 16 KiB block,
 * so a million one-byte chunks cost a million bytes, not a million Buffer
 * objects; a chunk arriving at an empty queue is kept as is (no copy).
 */
const BLOCK_BYTES = 16 * 1024;
const SMALL_CHUNK_BYTES = 4 * 1024;

export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Offset into chunks[0] of the first unconsumed byte. */
  private headOffset = 0;
  /** A partly filled block that small chunks are appended to (always the last chunk when set). */
  private block: Buffer | null = null;
  private blockUsed = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    // Nothing pending (the common case: whole requests per read): keep the chunk as it is, no copy.
    // Packing only pays when small chunks pile up behind an incomplete unit.
    const wasEmpty = this.total === 0;
    this.total += chunk.length;
    if (wasEmpty || chunk.length >= SMALL_CHUNK_BYTES) {
      this.sealBlock();
      this.chunks.push(chunk);
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (this.block === null || this.blockUsed === BLOCK_BYTES) {
        this.sealBlock();
        this.block = Buffer.allocUnsafe(BLOCK_BYTES);
        this.blockUsed = 0;
        this.chunks.push(this.block.subarray(0, 0));
      }
      const n = Math.min(chunk.length - offset, BLOCK_BYTES - this.blockUsed);
      chunk.copy(this.block, this.blockUsed, offset, offset + n);
      this.blockUsed += n;
      offset += n;
      this.chunks[this.chunks.length - 1] = this.block.subarray(0, this.blockUsed);
    }
  }

  /** Removes and returns the next n bytes, or null when fewer are buffered. */
  take(n: number): Buffer | null {
    if (n > this.total) return null;
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    const available = first.length - this.headOffset;
    if (available >= n) {
      // A copy would be safer against later writes into a shared block, but the
      // block region handed out here is never written again: blocks only grow.
      const out = first.subarray(this.headOffset, this.headOffset + n);
      this.consume(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    let index = 0;
    let offset = this.headOffset;
    while (written < n) {
      const chunk = this.chunks[index];
      const count = Math.min(chunk.length - offset, n - written);
      chunk.copy(out, written, offset, offset + count);
      written += count;
      if (offset + count === chunk.length) {
        index += 1;
        offset = 0;
      } else {
        offset += count;
      }
    }
    this.dropChunks(index, offset);
    this.total -= n;
    return out;
  }

  /**
   * The big-endian 32-bit number at position i without consuming, or undefined when fewer than
   * i + 4 bytes are buffered. Lets the frame parser read a preamble and a length without cutting
   * a Buffer view for each (two allocations per request otherwise).
   */
  peekUInt32BE(i: number): number | undefined {
    if (i + 4 > this.total) return undefined;
    const first = this.chunks[0];
    const at = this.headOffset + i;
    if (at + 4 <= first.length) return first.readUInt32BE(at);
    return ((this.peek(i)! << 24) | (this.peek(i + 1)! << 16) | (this.peek(i + 2)! << 8) | this.peek(i + 3)!) >>> 0;
  }

  /** Discards the next n bytes; false (and nothing discarded) when fewer are buffered. */
  skip(n: number): boolean {
    if (n > this.total) return false;
    if (n === 0) return true;
    if (this.chunks[0].length - this.headOffset >= n) this.consume(n);
    else this.take(n);
    return true;
  }

  /** The byte at position i (0-based) without consuming, or undefined. */
  peek(i: number): number | undefined {
    if (i >= this.total) return undefined;
    let offset = this.headOffset + i;
    for (const chunk of this.chunks) {
      if (offset < chunk.length) return chunk[offset];
      offset -= chunk.length;
    }
    return undefined;
  }

  clear(): void {
    this.chunks = [];
    this.headOffset = 0;
    this.block = null;
    this.blockUsed = 0;
    this.total = 0;
  }

  private consume(n: number): void {
    this.headOffset += n;
    this.total -= n;
    if (this.headOffset === this.chunks[0].length) this.dropChunks(1, 0);
  }

  private dropChunks(count: number, newHeadOffset: number): void {
    if (count > 0) {
      // The common case is the only chunk consumed (a whole request per read): empty the array in
      // place. splice() built a new array of the removed chunks on every request.
      if (count >= this.chunks.length) emptyInPlace(this.chunks);
      else if (count === 1) this.chunks.shift();
      else this.chunks.splice(0, count);
      // The growing block was consumed: start a fresh one for the next bytes.
      if (this.block !== null && this.chunks.length === 0) this.sealBlock();
    }
    this.headOffset = newHeadOffset;
  }

  private sealBlock(): void {
    this.block = null;
    this.blockUsed = 0;
  }
}
