import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadRequest, WorkerRead, WorkerReply, WorkerSetup } from './off-thread-protocol';

type Loaded = Exclude<WorkerReply, { type: 'read' } | { type: 'failed' }>;

/** The worker could not be started, threw, or exited before it answered: the reload fails closed. */
export class WorkerFailure extends Error {
  override readonly name = 'WorkerFailure';
}

/**
 * The compiled worker script. Jest runs this package's sources, where the worker cannot be a
 * TypeScript file: it is then the built one (tests that use it build first, as for the CLI).
 */
function workerScript(): string {
  return __filename.endsWith('.ts')
    ? join(__dirname, '..', 'dist', 'load-worker.js')
    : join(__dirname, 'load-worker.js');
}

/**
 * One reload in a worker thread: read() reads the file there (the strict reader: size limit,
 * deadline, hash, modes), load() decodes, parses, compiles and inspects it there and answers
 * with the policy's transfer. Every failure of the worker (it throws, dies, or exits early)
 * rejects the pending call with a WorkerFailure. close() ends the worker; call it in any case.
 */
export class OffThreadLoad {
  private readonly worker: Worker;
  private pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | null = null;
  private failure: WorkerFailure | null = null;
  private readonly replies: WorkerReply[] = [];

  constructor(setup: WorkerSetup) {
    this.worker = new Worker(workerScript(), { workerData: setup });
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'failed') this.fail(new WorkerFailure(`the reload worker failed: ${reply.message}`));
      else if (this.pending !== null) {
        const { resolve } = this.pending;
        this.pending = null;
        resolve(reply);
      } else this.replies.push(reply);
    });
    this.worker.on('error', (error) => this.fail(new WorkerFailure(`the reload worker failed: ${error.message}`)));
    this.worker.on('exit', (code) =>
      this.fail(new WorkerFailure(`the reload worker exited (code ${code}) before it answered`)),
    );
  }

  /** The file's read, done in the worker. */
  async read(): Promise<WorkerRead> {
    const reply = await this.next();
    if (reply.type !== 'read') throw new WorkerFailure(`the reload worker answered "${reply.type}" to a read`);
    return reply.read;
  }

  /** Decodes, loads and inspects the file read; the policy comes back as a transfer. */
  async load(): Promise<Loaded> {
    const request: LoadRequest = { type: 'load' };
    this.worker.postMessage(request);
    const reply = await this.next();
    if (reply.type === 'read' || reply.type === 'failed')
      throw new WorkerFailure(`the reload worker answered "${reply.type}" to a load`);
    return reply;
  }

  /** Ends the worker (whatever it is doing); pending calls reject. */
  close(): void {
    this.fail(new WorkerFailure('the reload worker was stopped'));
    void this.worker.terminate();
  }

  private next(): Promise<WorkerReply> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  private fail(failure: WorkerFailure): void {
    if (this.failure === null) this.failure = failure;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(this.failure);
  }
}
