/**
 * Server-wide byte budgets: what all connections together may make the server hold, whatever
 * their number (max_connections bounds connections, not bytes).
 */

/**
 * Bytes of request frames in flight (`[node.ipc] max_inflight_bytes`): a frame is charged its
 * declared length as soon as its length prefix is read, before any payload byte is buffered, and
 * released when it is answered or its connection ends.
 *
 * Frames still arriving ("partial": not all of their payload came with their length prefix) may
 * hold at most half the budget. A client that declares big frames and never finishes them costs a
 * few bytes per connection and holds the whole declared length until io_timeout; without this
 * share, a few dozen such connections would leave no room for anyone, and every request that
 * arrives whole (nearly all of them: a request is small) would be refused too.
 */
export class InflightBudget {
  /** Bytes charged now (partial frames included). */
  used = 0;
  /** Bytes charged now for frames still arriving. */
  partial = 0;
  /** Frames refused since start. */
  refused = 0;
  readonly partialLimit: number;

  constructor(readonly limit: number) {
    this.partialLimit = Math.floor(limit / 2);
  }

  /** A connection's account: what it holds, to release as its frames are answered or all at once when it ends. */
  account(): InflightAccount {
    return new InflightAccount(this);
  }

  /** @internal (InflightAccount) */
  tryCharge(length: number, whole: boolean): boolean {
    if (this.used + length > this.limit || (!whole && this.partial + length > this.partialLimit)) {
      this.refused += 1;
      return false;
    }
    this.used += length;
    if (!whole) this.partial += length;
    return true;
  }

  /** @internal (InflightAccount) */
  release(used: number, partial: number): void {
    this.used -= used;
    this.partial -= partial;
  }
}

/** How the frame parser asks whether a frame may be buffered. */
export interface FrameAdmission {
  /**
   * Asked once per frame, when its length prefix is read: may it be buffered? `whole`: all its
   * payload bytes are already here. False refuses the frame (nothing is charged).
   */
  admit(length: number, whole: boolean): boolean;
  /** A frame admitted while partial has all its bytes now. */
  arrived(length: number): void;
}

/** One connection's share of an InflightBudget. */
export class InflightAccount implements FrameAdmission {
  private held = 0;
  private partialHeld = 0;

  constructor(private readonly budget: InflightBudget) {}

  admit(length: number, whole: boolean): boolean {
    if (!this.budget.tryCharge(length, whole)) return false;
    this.held += length;
    if (!whole) this.partialHeld += length;
    return true;
  }

  arrived(length: number): void {
    this.partialHeld -= length;
    this.budget.release(0, length);
  }

  /** A frame of `length` bytes was answered. */
  release(length: number): void {
    const n = Math.min(length, this.held);
    this.held -= n;
    this.budget.release(n, 0);
  }

  /** The connection ended: everything it held goes back. Later releases are no-ops. */
  close(): void {
    this.budget.release(this.held, this.partialHeld);
    this.held = 0;
    this.partialHeld = 0;
  }
}

/** Why a subscriber was cut: its own backlog, or the server-wide event budget. */
export type SlowConsumerReason = 'connection' | 'global';

/**
 * Bytes of events queued for subscribers and not yet handed to the kernel
 * (`[node.ipc] max_queued_event_bytes`), over all connections. An event that would pass the budget
 * first cuts the subscriber holding the most queued bytes (the slowest reader), as many times as it
 * takes; a subscriber that reads holds next to nothing, so it is not the one cut.
 */
export class EventBudget<Holder> {
  used = 0;
  readonly cutoffs: Record<SlowConsumerReason, number> = { connection: 0, global: 0 };
  private readonly holders = new Map<Holder, number>();

  constructor(readonly limit: number) {}

  /** Charges `bytes` to `holder` if they fit; false when they would pass the budget. */
  tryCharge(holder: Holder, bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    this.holders.set(holder, (this.holders.get(holder) ?? 0) + bytes);
    return true;
  }

  /** Gives back up to `bytes` of what `holder` holds (the kernel took them). */
  release(holder: Holder, bytes: number): void {
    const held = this.holders.get(holder);
    if (held === undefined) return;
    const n = Math.min(bytes, held);
    this.used -= n;
    if (n === held) this.holders.delete(holder);
    else this.holders.set(holder, held - n);
  }

  /** Gives back everything `holder` holds (it was cut, or closed). */
  releaseAll(holder: Holder): void {
    const held = this.holders.get(holder);
    if (held === undefined) return;
    this.used -= held;
    this.holders.delete(holder);
  }

  /** The holder with the most queued bytes, or undefined when nobody holds any. */
  largestHolder(): Holder | undefined {
    let largest: Holder | undefined;
    let most = 0;
    for (const [holder, held] of this.holders) {
      if (held > most) {
        most = held;
        largest = holder;
      }
    }
    return largest;
  }
}
