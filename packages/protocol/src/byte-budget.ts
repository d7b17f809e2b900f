/**
 * A budget of bytes held at once across a whole server: request bodies being
 * read, upstream answers being received. Bytes are charged as they arrive and
 * given back when the holder is done, so what clients (or an upstream) make
 * the process buffer is bounded by `limit`, however many connections they open.
 * Pure bookkeeping: no timers, no I/O.
 */
export class ByteBudget {
  private used = 0;
  private refused = 0;

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`a byte budget must be a positive integer, not ${limit}`);
  }

  /** Bytes charged now. */
  get inUse(): number {
    return this.used;
  }

  /** How many times a charge (or an announced size) was refused. */
  get refusals(): number {
    return this.refused;
  }

  /**
   * Whether `bytes` more would fit now, leaving `headroom` bytes of the limit free (a share kept
   * for other holders); a no is counted as a refusal. Charges nothing.
   */
  admits(bytes: number, headroom = 0): boolean {
    if (this.used + bytes <= this.limit - headroom) return true;
    this.refused++;
    return false;
  }

  /** A holder's account: what it charges is given back, once, by release(). */
  lease(): BudgetLease {
    return new BudgetLease(this);
  }

  /** @internal BudgetLease's side: charge when it fits, leaving `headroom` free (else count a refusal). */
  take(bytes: number, headroom = 0): boolean {
    if (this.used + bytes > this.limit - headroom) {
      this.refused++;
      return false;
    }
    this.used += bytes;
    return true;
  }

  /** @internal */
  give(bytes: number): void {
    this.used -= bytes;
  }
}

/** What one holder (a request, an upstream answer) has charged to a ByteBudget. */
export class BudgetLease {
  private held = 0;

  constructor(private readonly budget: ByteBudget) {}

  /** Bytes this holder has charged. */
  get bytes(): number {
    return this.held;
  }

  /** Whether `bytes` more would fit in the budget now, `headroom` left free (a no is counted as a refusal). Charges nothing. */
  admits(bytes: number, headroom = 0): boolean {
    return this.budget.admits(bytes, headroom);
  }

  /** Charges `bytes` more, leaving `headroom` of the limit free; false, charging nothing, when they do not fit. */
  take(bytes: number, headroom = 0): boolean {
    if (!this.budget.take(bytes, headroom)) return false;
    this.held += bytes;
    return true;
  }

  /** Gives back everything held. Idempotent; the lease may be used again afterwards. */
  release(): void {
    if (this.held === 0) return;
    this.budget.give(this.held);
    this.held = 0;
  }
}
