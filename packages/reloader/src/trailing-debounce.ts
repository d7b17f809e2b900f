/**
 * Calls `fire` once, `waitMs` after the last trigger (trailing edge), and at the latest `maxWaitMs`
 * after the first trigger of a burst, so that a file rewritten without pause is still picked up.
 */
export class TrailingDebounce {
  private timer: NodeJS.Timeout | null = null;
  private settling: NodeJS.Immediate | null = null;
  private burstStartedAt = 0;

  constructor(
    private readonly fire: () => void,
    private readonly waitMs: number,
    private readonly maxWaitMs: number = waitMs * 10,
  ) {}

  trigger(): void {
    const now = Date.now();
    if (this.timer === null && this.settling === null) this.burstStartedAt = now;
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.waitMs, this.burstStartedAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => this.settle(), delay);
  }

  /**
   * The quiet period has passed by the clock, but timers run before I/O in
   * Node's event loop: when the loop was busy, watch events of writes made in
   * the meantime are still queued, and firing now would read a file half
   * written. An immediate runs after the poll phase has delivered them; if
   * one of them re-armed the debounce, this firing is stale and is dropped.
   */
  private settle(): void {
    this.timer = null;
    if (this.settling !== null) return;
    this.settling = setImmediate(() => {
      this.settling = null;
      // A burst that never pauses still fires once maxWaitMs has passed.
      const overdue = Date.now() - this.burstStartedAt >= this.maxWaitMs;
      if (this.timer !== null && !overdue) return;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.fire();
    });
  }

  get pending(): boolean {
    return this.timer !== null || this.settling !== null;
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.settling !== null) clearImmediate(this.settling);
    this.timer = null;
    this.settling = null;
  }
}
