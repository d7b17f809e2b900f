/**
 * Calls `fire` once, `waitMs` after the last trigger (trailing edge), and at the latest `maxWaitMs`
 * after the first trigger of a burst, so that a file rewritten without pause is still picked up.
 */
export class TrailingDebounce {
  private timer: NodeJS.Timeout | null = null;
  private burstStartedAt = 0;

  constructor(
    private readonly fire: () => void,
    private readonly waitMs: number,
    private readonly maxWaitMs: number = waitMs * 10,
  ) {}

  trigger(): void {
    const now = Date.now();
    if (this.timer === null) this.burstStartedAt = now;
    else clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.waitMs, this.burstStartedAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fire();
    }, delay);
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
