/**
 * Phase 1's reload driver: rewrites the access file (rename over it, in place
 * in slow chunks, or rename followed by SIGHUP), a third of the time with an
 * invalid file, and waits for the server's log line about that exact content
 * (sha256, as the reloader logs it) before the next rewrite. The window the
 * load checks decisions against is kept here: the confirmed version and, while
 * a valid write is unconfirmed, the next one.
 */
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Policy } from '@nano-access/resolver';
import type { DecisionWindow } from './load';
import {
  compileValid,
  invalidPolicyText,
  rejectionRules,
  validPolicyText,
  type InvalidKind,
  type SoakCredentials,
} from './policies';
import { sleep, type LogEvent, type ServerUnderTest } from './server';

export type WriteMethod = 'rename' | 'chunks' | 'sighup';

export interface ReloadStats {
  attempted: number;
  valid: number;
  invalid: number;
  byMethod: Record<WriteMethod, number>;
  byKind: Record<InvalidKind, number>;
  /** Valid files the server logged as applied. */
  applied: number;
  /** Invalid files the server logged as rejected. */
  rejected: number;
  /** A valid file rejected, or an invalid one applied. */
  wrongOutcome: number;
  /** No log line about the content within the timeout. */
  unconfirmed: number;
  /** Contents the server applied that the harness never wrote whole (a half-written file). */
  partialApplied: number;
  /** Half-written contents the server read and rejected (harmless: the previous policy stayed). */
  partialRejected: number;
  /** Milliseconds from the end of a write to the server's log line. */
  confirmMs: number[];
  /** For each half-written read: when the server read, against when the writer wrote each chunk. */
  partialSamples: string[];
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Writes a file in place in chunks with pauses between them, off the main thread so the pauses are
 * real. Resolves with the wall-clock time (ms) just after each chunk was written: the pause the
 * server saw is what the clock says, not what was asked for (a descheduled writer pauses longer).
 */
function writeInChunks(path: string, text: string, chunks: number, gapMs: number): Promise<number[]> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const fs = require('node:fs');
    const { path, text, chunks, gapMs } = workerData;
    const bytes = Buffer.from(text);
    const writtenAt = [];
    const fd = fs.openSync(path, 'w');
    writtenAt.push(Date.now());
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const size = Math.ceil(bytes.length / chunks);
    for (let at = 0; at < bytes.length; at += size) {
      fs.writeSync(fd, bytes, at, Math.min(size, bytes.length - at));
      writtenAt.push(Date.now());
      if (at + size < bytes.length) Atomics.wait(sleeper, 0, 0, gapMs);
    }
    fs.closeSync(fd);
    parentPort.postMessage(writtenAt);`;
  return new Promise((resolve, reject) => {
    let writtenAt: number[] = [];
    const worker = new Worker(code, { eval: true, workerData: { path, text, chunks, gapMs } });
    worker.once('message', (times: number[]) => (writtenAt = times));
    worker.once('error', reject);
    worker.once('exit', () => resolve(writtenAt));
  });
}

export class ReloadDriver implements DecisionWindow {
  readonly versions: Policy[] = [];
  readonly texts: string[] = [];
  private confirmedIndex = 0;
  private pendingValid = false;
  private readonly seen = new Map<string, 'applied' | 'rejected'>();
  private readonly written = new Set<string>();
  readonly stats: ReloadStats = {
    attempted: 0,
    valid: 0,
    invalid: 0,
    byMethod: { rename: 0, chunks: 0, sighup: 0 },
    byKind: { syntax: 0, 'unknown-permission': 0, 'unknown-role': 0 },
    applied: 0,
    rejected: 0,
    wrongOutcome: 0,
    unconfirmed: 0,
    partialApplied: 0,
    partialRejected: 0,
    confirmMs: [],
    partialSamples: [],
  };
  /** The chunk times of the in-place write under way (the truncating open first), for partialSamples. */
  private chunkTimes: number[] | null = null;
  private serial = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly server: ServerUnderTest,
    private readonly credentials: SoakCredentials,
    private readonly random: () => number,
    initialText: string,
  ) {
    this.versions.push(compileValid(initialText));
    this.texts.push(initialText);
    this.written.add(hash(initialText));
    this.unsubscribe = server.onLog((event) => this.onLog(event));
  }

  /** The text of the first version (what the server starts with). */
  static initialText(credentials: SoakCredentials, random: () => number): string {
    return validPolicyText(0, credentials, random);
  }

  confirmed(): number {
    return this.confirmedIndex;
  }

  newest(): number {
    return this.confirmedIndex + (this.pendingValid ? 1 : 0);
  }

  private onLog(event: LogEvent): void {
    if (typeof event.hash !== 'string') return;
    let outcome: 'applied' | 'rejected' | null = null;
    if (event.msg === 'access policy reloaded') outcome = 'applied';
    else if (event.msg.startsWith('access file rejected') || event.msg.startsWith('access file not reloaded'))
      outcome = 'rejected';
    if (outcome === null) return;
    if (!this.written.has(event.hash)) {
      // Content the harness never wrote whole: a read in the middle of a chunked write.
      if (outcome === 'applied') this.stats.partialApplied += 1;
      else this.stats.partialRejected += 1;
      this.describePartial(event, outcome);
      return;
    }
    if (!this.seen.has(event.hash)) this.seen.set(event.hash, outcome);
  }

  /**
   * Says when the server read, against the writer's chunks: the log line's time less its
   * durationMs is when the reload started (the read comes first). The chunk times arrive when the
   * writer exits, so the sample is written then.
   */
  private describePartial(event: LogEvent, outcome: 'applied' | 'rejected'): void {
    const time = typeof event.time === 'string' ? Date.parse(event.time) : Number(event.time);
    const readAt = time - (typeof event.durationMs === 'number' ? event.durationMs : 0);
    const trigger = typeof event.trigger === 'string' ? event.trigger : '?';
    const describe = (times: number[]): string => {
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      return `${outcome}: trigger ${trigger}, reload started ${readAt - times[0]} ms after the truncating open; chunks written at +${times
        .map((t) => t - times[0])
        .join(', +')} ms (pauses ${gaps.slice(1).join(', ')} ms)`;
    };
    if (this.chunkTimes !== null) this.stats.partialSamples.push(describe(this.chunkTimes));
    else this.pendingPartial = describe;
  }

  private pendingPartial: ((times: number[]) => string) | null = null;

  /** One rewrite, waited for. Returns false when the server did not confirm it in time. */
  async reloadOnce(index: number, confirmTimeoutMs = 15_000): Promise<boolean> {
    this.serial += 1;
    const nextValid = validPolicyText(this.serial, this.credentials, this.random);
    const invalid = index % 3 === 2;
    const kinds: InvalidKind[] = ['syntax', 'unknown-permission', 'unknown-role'];
    const kind = kinds[Math.floor(index / 3) % 3];
    const text = invalid ? invalidPolicyText(nextValid, kind, this.serial) : nextValid;
    if (invalid && rejectionRules(text).length === 0)
      throw new Error(`soak: the ${kind} file is accepted by the resolver (harness bug)`);
    const methodRoll = this.random();
    const method: WriteMethod = methodRoll < 0.5 ? 'rename' : methodRoll < 0.75 ? 'chunks' : 'sighup';
    const digest = hash(text);
    this.written.add(digest);
    this.stats.attempted += 1;
    this.stats.byMethod[method] += 1;
    if (invalid) {
      this.stats.invalid += 1;
      this.stats.byKind[kind] += 1;
    } else {
      this.stats.valid += 1;
      this.versions.push(compileValid(text));
      this.texts.push(text);
      this.pendingValid = true;
    }
    const path = this.server.accessPath;
    if (method === 'chunks') {
      // Pauses shorter than the reloader's 100 ms debounce: a slow writer it must wait out.
      this.chunkTimes = null;
      const times = await writeInChunks(
        path,
        text,
        3 + Math.floor(this.random() * 4),
        20 + Math.floor(this.random() * 40),
      );
      this.chunkTimes = times;
      if (this.pendingPartial !== null) this.stats.partialSamples.push(this.pendingPartial(times));
      this.pendingPartial = null;
    } else {
      const temp = `${path}.soak-${this.serial}.tmp`;
      writeFileSync(temp, text, { mode: 0o600 });
      renameSync(temp, path);
      if (method === 'sighup') this.server.signal('SIGHUP');
    }
    const writtenAt = Date.now();
    while (!this.seen.has(digest) && Date.now() - writtenAt < confirmTimeoutMs && this.server.alive) await sleep(5);
    const outcome = this.seen.get(digest);
    if (outcome === undefined) {
      this.stats.unconfirmed += 1;
      return false;
    }
    this.stats.confirmMs.push(Date.now() - writtenAt);
    if (outcome === 'applied') this.stats.applied += 1;
    else this.stats.rejected += 1;
    if ((outcome === 'applied') === invalid) this.stats.wrongOutcome += 1;
    if (!invalid) {
      this.confirmedIndex = this.versions.length - 1;
      this.pendingValid = false;
    }
    return true;
  }

  close(): void {
    this.unsubscribe();
  }
}
