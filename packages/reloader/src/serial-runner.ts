/**
 * Runs one task at a time. A call while a task runs schedules exactly one more run after it;
 * further calls before that run starts join it (their arguments merged), so a burst of
 * triggers during a reload costs one extra reload, never a queue.
 * The task must not reject.
 */
export class SerialRunner<A, R> {
  private running: Promise<R> | null = null;
  private queued: { arg: A; promise: Promise<R> } | null = null;

  constructor(
    private readonly task: (arg: A) => Promise<R>,
    private readonly merge: (queued: A, next: A) => A,
  ) {}

  run(arg: A): Promise<R> {
    if (this.running === null) return this.start(arg);
    if (this.queued !== null) {
      this.queued.arg = this.merge(this.queued.arg, arg);
      return this.queued.promise;
    }
    const queued: { arg: A; promise: Promise<R> } = { arg, promise: Promise.resolve() as unknown as Promise<R> };
    const startQueued = (): Promise<R> => {
      this.queued = null;
      return this.start(queued.arg);
    };
    queued.promise = this.running.then(startQueued, startQueued);
    this.queued = queued;
    return queued.promise;
  }

  /** Resolves when no task runs and none is queued. */
  async idle(): Promise<void> {
    while (this.running !== null || this.queued !== null) {
      await (this.queued?.promise ?? this.running)?.catch(() => undefined);
    }
  }

  private start(arg: A): Promise<R> {
    const promise: Promise<R> = this.task(arg).finally(() => {
      if (this.running === promise) this.running = null;
    });
    this.running = promise;
    return promise;
  }
}
