import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import pino from 'pino';
import type { Logger } from 'pino';
import { loadPolicy, nanoCatalog, PolicyAssembler } from '@nano-access/resolver';
import type { Catalog, LoadResult, Policy, PolicySource } from '@nano-access/resolver';
import {
  DEFAULT_ACCESS_FILE,
  describeFileSafetyProblem,
  formatDiagnostic,
  judgeFileSafety,
  sortDiagnostics,
  userIdLengths,
} from '@nano-access/parser';
import type { AccessFileFacts, Diagnostic, FileSafetyProblem } from '@nano-access/parser';
import { contentHash } from './content-hash';
import { redactDiagnostics, redactKnownCredentials, redactKnownIds } from './credential-redaction';
import { diagnosticLocation, diagnosticLogMessage, logDiagnostics } from './diagnostic-log';
import { PolicyStoreError, ReloadErrorCode } from './errors';
import { watchFile } from './file-watch';
import { OffThreadLoad, WorkerFailure } from './off-thread-load';
import type { InspectModule } from './off-thread-protocol';
import type { FileWatch } from './file-watch';
import { renderMetrics } from './metrics';
import { decodeAccessFile, DEFAULT_MAX_FILE_BYTES, DEFAULT_READ_TIMEOUT_MS, readAccessFile } from './read-access-file';
import { SerialRunner } from './serial-runner';
import { TrailingDebounce } from './trailing-debounce';
import type {
  PolicyInspector,
  PolicyStoreEvents,
  PolicyStoreOptions,
  PolicyStoreStatus,
  ReloadFailure,
  ReloadResult,
  ReloadTrigger,
  TextStoreOptions,
} from './types';

/** What is active: swapped as one reference, so a reader never sees half of a reload. */
interface Active {
  readonly policy: Policy;
  readonly generation: number;
  readonly hash: string | null;
  readonly loadedAt: Date;
}

interface Settings {
  file: string | null;
  displayName: string;
  catalog: Catalog | undefined;
  logger: Logger;
  debounceMs: number;
  maxFileBytes: number;
  readTimeoutMs: number;
  allowInsecurePermissions: boolean;
  inspect: PolicyInspector | undefined;
  inspectModule: InspectModule | undefined;
  offThreadBytes: number;
}

const DEFAULT_DEBOUNCE_MS = 100;
/**
 * Reloads of files this large or larger run in a worker thread. Below it the main thread is
 * faster (starting a worker and loading the packages there costs ~0.1 s of CPU) and its stall is
 * short (a 4 MiB, 40,000-user file: ~0.3 s of parse + compile on our 2-core machine under load).
 */
export const DEFAULT_OFF_THREAD_BYTES = 4 * 1024 * 1024;
/** Security findings logged one by one per activation; past it, one line counts the rest by rule. */
export const MAX_LOGGED_FINDINGS = 100;

/** Settings of a store that reads no file. */
function textSettings(displayName: string, catalog: Catalog | undefined, logger: Logger | undefined): Settings {
  return {
    file: null,
    displayName,
    catalog,
    logger: logger ?? pino({ level: 'silent' }),
    debounceMs: DEFAULT_DEBOUNCE_MS,
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    readTimeoutMs: DEFAULT_READ_TIMEOUT_MS,
    allowInsecurePermissions: false,
    inspect: undefined,
    inspectModule: undefined,
    offThreadBytes: Infinity,
  };
}

/** The problems that make the file unsafe to serve (judgeFileSafety, shared with the linter's file-mode rule). */
function safetyProblems(facts: AccessFileFacts | null): FileSafetyProblem[] {
  return facts === null ? [] : judgeFileSafety(facts).problems;
}

function unsafeMessage(problems: readonly FileSafetyProblem[]): string {
  return (
    `refused: ${problems.map(describeFileSafetyProblem).join('; ')}. Whoever can change it can grant themselves access: ` +
    'remove the write bits (chmod go-w) and give it to this user or root (chown), or set allow_insecure_permissions'
  );
}

// Explicit triggers outrank the watch: an operator's SIGHUP re-reports a file already rejected.
const TRIGGER_RANK: Record<ReloadTrigger, number> = { watch: 0, manual: 1, request: 1, signal: 2 };

function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

function invalidMessage(displayName: string, diagnostics: readonly Diagnostic[]): string {
  const errors = errorsOf(diagnostics);
  const head = `${displayName}: the access file has ${errors.length} error${errors.length === 1 ? '' : 's'} and was not activated`;
  return [head, ...errors.map(formatDiagnostic)].join('\n');
}

/**
 * Holds the active Policy and replaces it when the access file changes: the new policy is built
 * off to the side by the same loadPolicy() that `nano-access lint` uses, then one reference is
 * swapped. A file with any error is never activated; the previous policy stays.
 */
export class PolicyStore extends EventEmitter<PolicyStoreEvents> implements PolicySource {
  private active: Active;
  private readonly settings: Settings;
  private readonly runner: SerialRunner<ReloadTrigger, ReloadResult>;
  private readonly debounce: TrailingDebounce;
  private watcher: FileWatch | null = null;
  private readonly signalDisposers = new Set<() => void>();
  private closed = false;
  private successes = 0;
  private failures = 0;
  private lastReloadSuccessful = true;
  private lastFailure: ReloadFailure | null = null;
  /** What the last rejection was about (the content's hash, or the hash and the unsafe mode): a watch event for the same is not re-reported. */
  private lastRejectedKey: string | null = null;
  private fileMissing = false;
  /** The size of the file when last read (it decides whether the next reload runs in a worker). */
  private lastReadBytes = 0;
  /** Abandons a read in flight when the store closes: shutdown never waits on a file system. */
  private readonly closing = new AbortController();

  private constructor(settings: Settings, initial: Active, fileMissing: boolean) {
    super();
    this.settings = settings;
    this.active = initial;
    this.fileMissing = fileMissing;
    this.runner = new SerialRunner<ReloadTrigger, ReloadResult>(
      (trigger) => this.reloadOnce(trigger),
      (queued, next) => (TRIGGER_RANK[next] > TRIGGER_RANK[queued] ? next : queued),
    );
    this.debounce = new TrailingDebounce(() => void this.reload('watch'), settings.debounceMs);
  }

  /**
   * Loads the access file and (unless `watch: false`) watches it. A missing file gives the default
   * user alone, with a warning. Rejects with PolicyStoreError `NA_RELOAD_POLICY_INVALID` (its
   * `diagnostics` and message list every error) when the file has errors, and
   * `NA_RELOAD_READ_FAILED` when it cannot be read: print them and exit non-zero.
   */
  static async open(path: string, options: PolicyStoreOptions = {}): Promise<PolicyStore> {
    const file = resolvePath(path);
    const settings: Settings = {
      file,
      displayName: options.displayName ?? path,
      catalog: options.catalog,
      logger: options.logger ?? pino({ level: 'silent' }),
      debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      readTimeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
      allowInsecurePermissions: options.allowInsecurePermissions ?? false,
      inspect: options.inspect,
      inspectModule: options.inspectModule,
      offThreadBytes: options.offThreadBytes ?? DEFAULT_OFF_THREAD_BYTES,
    };
    const { logger, displayName } = settings;
    const read = await readAccessFile(file, {
      maxBytes: settings.maxFileBytes,
      timeoutMs: settings.readTimeoutMs,
      displayName,
    });
    let store: PolicyStore;
    if (read.kind === 'error') {
      throw new PolicyStoreError(read.code, `${displayName}: ${read.message}`, [], { cause: read.cause });
    } else if (read.kind === 'missing') {
      const { policy } = PolicyStore.compile('', settings).loaded;
      if (policy === null)
        throw new PolicyStoreError(
          ReloadErrorCode.policyInvalid,
          `${displayName}: the catalog gives no default policy`,
        );
      logger.warn(
        { file: displayName, generation: 1 },
        'access file not found: only the default user is configured (built-in default permissions) until the file appears',
      );
      store = new PolicyStore(settings, { policy, generation: 1, hash: null, loadedAt: new Date() }, true);
    } else {
      const problems = safetyProblems(read.facts);
      if (problems.length > 0 && !settings.allowInsecurePermissions) {
        throw new PolicyStoreError(ReloadErrorCode.fileUnsafe, `${displayName}: ${unsafeMessage(problems)}`);
      }
      const decoded = decodeAccessFile(read.bytes, displayName);
      if (!decoded.ok)
        throw new PolicyStoreError(decoded.code, `${displayName}: ${decoded.message}`, [decoded.diagnostic]);
      const text = decoded.text;
      const { loaded, diagnostics } = PolicyStore.compile(text, settings);
      const policy = loaded.policy;
      if (policy === null)
        throw new PolicyStoreError(
          ReloadErrorCode.policyInvalid,
          invalidMessage(displayName, diagnostics),
          diagnostics,
        );
      logDiagnostics(logger, diagnostics, { file: displayName });
      PolicyStore.logAcceptedProblems(settings, problems, 1);
      logger.info(
        { file: displayName, generation: 1, hash: read.hash, users: policy.userCount },
        'access policy loaded',
      );
      store = new PolicyStore(settings, { policy, generation: 1, hash: read.hash, loadedAt: new Date() }, false);
      store.lastReadBytes = read.bytes.length;
      store.inspectActivated(text, { ...loaded, policy }, read.facts);
    }
    if (options.watch !== false) {
      await store.startWatching();
      // A save between the first read and the watch being ready would otherwise go unseen.
      await store.reload('watch');
    }
    return store;
  }

  /** A store over a fixed policy (tests, embedders that do not read a file). */
  static fromPolicy(policy: Policy, options: { logger?: Logger } = {}): PolicyStore {
    const settings = textSettings('policy', policy.catalog, options.logger);
    return new PolicyStore(settings, { policy, generation: 1, hash: null, loadedAt: new Date() }, false);
  }

  /** A store over access-file text; throws PolicyStoreError `NA_RELOAD_POLICY_INVALID` when it has errors. */
  static fromText(text: string, options: TextStoreOptions = {}): PolicyStore {
    const settings = textSettings(options.file ?? DEFAULT_ACCESS_FILE, options.catalog, options.logger);
    const {
      loaded: { policy },
      diagnostics,
    } = PolicyStore.compile(text, settings);
    if (policy === null)
      throw new PolicyStoreError(
        ReloadErrorCode.policyInvalid,
        invalidMessage(settings.displayName, diagnostics),
        diagnostics,
      );
    const hash = contentHash(Buffer.from(text, 'utf8'));
    return new PolicyStore(settings, { policy, generation: 1, hash, loadedAt: new Date() }, false);
  }

  /** The one code path: loadPolicy (parse, validate, compile), with credentials redacted from the messages. */
  private static compile(
    text: string,
    settings: Settings,
    running?: Policy,
  ): { loaded: LoadResult; diagnostics: Diagnostic[] } {
    const loaded = loadPolicy(text, { file: settings.displayName, catalog: settings.catalog });
    return { loaded, diagnostics: PolicyStore.redact(loaded.diagnostics, text, settings, running) };
  }

  private static redact(
    diagnostics: readonly Diagnostic[],
    text: string,
    settings: Settings,
    running?: Policy,
  ): Diagnostic[] {
    const isKnown =
      running === undefined
        ? undefined
        : (candidate: string): boolean => running.explain(candidate).user.kind === 'user';
    return redactDiagnostics([...diagnostics], text, settings.displayName, isKnown);
  }

  /** With allowInsecurePermissions, an unsafe file is served, and said so at each activation. */
  private static logAcceptedProblems(
    settings: Settings,
    problems: readonly FileSafetyProblem[],
    generation: number,
  ): void {
    for (const problem of problems) {
      settings.logger.warn(
        { file: settings.displayName, generation, code: ReloadErrorCode.fileUnsafe },
        `${describeFileSafetyProblem(problem)}: served anyway because allow_insecure_permissions is set`,
      );
    }
  }

  /**
   * Runs the inspector (the linter's security rules, wired by the CLI) on what was just activated
   * and logs each finding at warn with its rule, the first MAX_LOGGED_FINDINGS of them, and then
   * one line counting the rest by rule (a file of a million weak ids must not flood the log).
   * Returns the findings logged (redacted) for the event.
   */
  private inspectActivated(
    text: string,
    loaded: LoadResult & { policy: Policy },
    facts: AccessFileFacts | null,
  ): Diagnostic[] {
    const { inspect, logger, displayName, catalog } = this.settings;
    if (inspect === undefined) return [];
    let all: readonly Diagnostic[];
    try {
      all = inspect({ text, file: displayName, catalog, loaded, fileFacts: facts });
    } catch (error) {
      logger.error(
        { err: error, file: displayName },
        'the policy inspector threw; its findings are missing from the log',
      );
      return [];
    }
    return this.logFindings(all, loaded.policy, userIdLengths(loaded.model));
  }

  /** Logs an inspector's findings (see inspectActivated) and returns those logged, redacted. */
  private logFindings(all: readonly Diagnostic[], policy: Policy, idLengths: ReadonlySet<number>): Diagnostic[] {
    const { logger, displayName } = this.settings;
    if (all.length === 0) return [];
    const generation = this.active.generation;
    // The linter never quotes an id; as defence in depth, any id of the new policy is redacted,
    // found by lookup (the whole-text scan of redactDiagnostics costs seconds per message at 1M users).
    const isKnown = (candidate: string): boolean => policy.explain(candidate).user.kind === 'user';
    const logged = all.slice(0, MAX_LOGGED_FINDINGS).map((finding) => ({
      ...finding,
      severity: 'warning' as const,
      message: redactKnownIds(finding.message, isKnown, idLengths),
    }));
    for (const finding of logged) {
      logger.warn(
        {
          file: displayName,
          generation,
          at: diagnosticLocation(finding),
          rule: finding.ruleId,
          messageId: finding.messageId,
          security: true,
        },
        diagnosticLogMessage(finding),
      );
    }
    if (all.length > logged.length) {
      const byRule: Record<string, number> = {};
      for (const finding of all.slice(logged.length)) byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
      logger.warn(
        { file: displayName, generation, security: true, more: all.length - logged.length, byRule },
        `${all.length - logged.length} more security findings not logged one by one (${Object.entries(byRule)
          .map(([rule, count]) => `${rule}: ${count}`)
          .join(', ')}); run nano-access lint on the file for all of them`,
      );
    }
    return logged;
  }

  /** The active policy. Read it once per request: the object never changes, a reload swaps in another. */
  get current(): Policy {
    return this.active.policy;
  }

  get generation(): number {
    return this.active.generation;
  }

  /**
   * Reads the file and activates it if it changed and has no error. Serialised: a call during a
   * reload schedules exactly one more, shared by every call until it starts. Never rejects.
   */
  reload(trigger: ReloadTrigger = 'manual'): Promise<ReloadResult> {
    if (this.closed) return Promise.resolve(this.result('closed', null, []));
    return this.runner.run(trigger);
  }

  /**
   * Activates access-file text given directly (an embedder's own source) with the same validation
   * and swap as a file reload. Synchronous, so it is atomic with respect to reloads. Never throws on bad text.
   */
  applyText(text: string): ReloadResult {
    if (this.closed) return this.result('closed', null, []);
    const hash = contentHash(Buffer.from(text, 'utf8'));
    if (hash === this.active.hash) return this.result('unchanged', hash, []);
    return this.activate(text, hash, 'manual', Date.now(), null);
  }

  /**
   * Reloads on SIGHUP (or the signals given) until the returned function is called or the store
   * closes. Only a daemon's entry point should call this: a library must not take over signals.
   */
  installSignalHandlers(signals: readonly NodeJS.Signals[] = ['SIGHUP']): () => void {
    if (this.closed) throw new PolicyStoreError(ReloadErrorCode.storeClosed, 'installSignalHandlers() after close()');
    const handler = (signal: NodeJS.Signals): void => {
      this.settings.logger.info({ signal, file: this.settings.displayName }, 'reload requested by signal');
      void this.reload('signal');
    };
    for (const signal of signals) process.on(signal, handler);
    const dispose = (): void => {
      for (const signal of signals) process.off(signal, handler);
      this.signalDisposers.delete(dispose);
    };
    this.signalDisposers.add(dispose);
    return dispose;
  }

  status(): PolicyStoreStatus {
    return {
      file: this.settings.file,
      generation: this.active.generation,
      hash: this.active.hash,
      users: this.active.policy.userCount,
      lastSuccess: this.active.loadedAt,
      lastFailure: this.lastFailure,
      lastReloadSuccessful: this.lastReloadSuccessful,
      reloads: { success: this.successes, failure: this.failures },
      fileMissing: this.fileMissing,
      watching: this.watcher !== null,
      watched: this.watcher === null ? [] : [...this.watcher.entries()],
    };
  }

  /** Prometheus text exposition of the reload metrics, for the servers' /metrics. */
  metrics(): string {
    return renderMetrics({
      reloadSuccesses: this.successes,
      reloadFailures: this.failures,
      lastReloadSuccessful: this.lastReloadSuccessful,
      lastSuccessSeconds: this.active.loadedAt.getTime() / 1000,
      generation: this.active.generation,
      users: this.active.policy.userCount,
      hash: this.active.hash,
    });
  }

  /**
   * Stops watching, removes signal handlers, abandons a read in flight and waits for the reload
   * it belonged to, which then ends at once: a hung file system never holds up shutdown. The last
   * policy stays readable.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.debounce.cancel();
    for (const dispose of [...this.signalDisposers]) dispose();
    const watcher = this.watcher;
    this.watcher = null;
    await Promise.all([watcher?.close(), this.runner.idle()]);
  }

  private async startWatching(): Promise<void> {
    const file = this.settings.file;
    if (file === null) return;
    try {
      const directory = dirname(file);
      if (
        !(await stat(directory).then(
          (s) => s.isDirectory(),
          () => false,
        ))
      ) {
        // Nothing to watch: say so (a clear error, not fs.watch's), and rely on SIGHUP / reload().
        throw Object.assign(new Error(`the directory ${directory} does not exist`), { code: 'ENOENT' });
      }
      this.watcher = await watchFile(
        file,
        () => this.debounce.trigger(),
        (error) => this.onWatchError(error),
      );
      this.settings.logger.debug(
        { file: this.settings.displayName, debounceMs: this.settings.debounceMs },
        'watching the access file',
      );
    } catch (error) {
      this.onWatchError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private onWatchError(error: Error): void {
    const code = (error as NodeJS.ErrnoException).code;
    this.settings.logger.error(
      { code: ReloadErrorCode.watchFailed, cause: code, file: this.settings.displayName },
      `watching the access file failed (${code ?? error.message}); reload with SIGHUP until the watch is fixed`,
    );
  }

  /** Listeners are the application's code: one that throws must not undo or fail a reload. */
  private notify<K extends keyof PolicyStoreEvents>(event: K, ...args: PolicyStoreEvents[K]): void {
    for (const listener of this.rawListeners(event)) {
      try {
        (listener as (...a: PolicyStoreEvents[K]) => void)(...args);
      } catch (error) {
        this.settings.logger.error({ err: error, event }, 'a PolicyStore event listener threw');
      }
    }
  }

  private result(outcome: ReloadResult['outcome'], hash: string | null, diagnostics: Diagnostic[]): ReloadResult {
    return { outcome, generation: this.active.generation, hash, diagnostics };
  }

  /**
   * One reload, then the watch follows the file's path again: after a symlink is re-pointed, its
   * new target's directory is watched from now on (and read once more, for what changed meanwhile).
   */
  private async reloadOnce(trigger: ReloadTrigger): Promise<ReloadResult> {
    const result = await this.readAndApply(trigger);
    const watcher = this.watcher;
    if (watcher !== null && !this.closed) {
      try {
        if (await watcher.refresh()) this.debounce.trigger();
      } catch (error) {
        this.onWatchError(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return result;
  }

  /** Read, hash, and if new, validate and swap. Catches everything: the runner's task must not reject. */
  private async readAndApply(trigger: ReloadTrigger): Promise<ReloadResult> {
    const { file, logger, displayName } = this.settings;
    if (this.closed) return this.result('closed', null, []);
    if (file === null) return this.result('unchanged', this.active.hash, []);
    const started = Date.now();
    const job = this.offThread() ? this.startOffThread(file) : null;
    try {
      const read =
        job !== null
          ? await job.read()
          : await readAccessFile(file, {
              maxBytes: this.settings.maxFileBytes,
              timeoutMs: this.settings.readTimeoutMs,
              displayName,
              signal: this.closing.signal,
            });
      if (this.closed) return this.result('closed', null, []);
      if (read.kind === 'ok') this.lastReadBytes = 'bytes' in read ? read.bytes.length : read.size;
      if (trigger === 'watch' && read.kind === 'ok' && (await this.changedDuringRead())) {
        if (this.closed) return this.result('closed', null, []);
        logger.debug(
          { file: displayName, trigger },
          'access file changed while it was read: reading it again once quiet',
        );
        return this.result('superseded', this.active.hash, []);
      }
      if (read.kind === 'missing') {
        if (!this.fileMissing) {
          logger.warn(
            { file: displayName, generation: this.active.generation, trigger },
            'access file is missing: keeping the active policy',
          );
        }
        this.fileMissing = true;
        this.notify('missing', { generation: this.active.generation, trigger });
        return this.result('missing', null, []);
      }
      this.fileMissing = false;
      if (read.kind === 'error') {
        return this.reject(trigger, null, [], { code: read.code, message: read.message });
      }
      const problems = safetyProblems(read.facts);
      if (problems.length > 0 && !this.settings.allowInsecurePermissions) {
        // Checked before the hash: a file made writable keeps its content, and is refused all the same.
        const message = unsafeMessage(problems);
        const key = `${ReloadErrorCode.fileUnsafe} ${read.hash} ${message}`;
        if (trigger === 'watch' && key === this.lastRejectedKey) return this.result('rejected', read.hash, []);
        return this.reject(trigger, read.hash, [], { code: ReloadErrorCode.fileUnsafe, message }, key);
      }
      if (read.hash === this.active.hash) {
        if (!this.lastReloadSuccessful) {
          this.lastReloadSuccessful = true;
          logger.info(
            { file: displayName, generation: this.active.generation, hash: read.hash },
            'access file matches the active policy again',
          );
        } else {
          logger.debug({ file: displayName, trigger }, 'access file unchanged');
        }
        return this.result('unchanged', read.hash, []);
      }
      if (trigger === 'watch' && read.hash === this.lastRejectedKey) {
        // The same bad content again (a touch, a chmod): already reported.
        return this.result('rejected', read.hash, this.lastFailure?.diagnostics ?? []);
      }
      if (job !== null) return await this.activateOffThread(job, read.hash, trigger, started, problems);
      const bytes = 'bytes' in read ? read.bytes : undefined;
      if (!Buffer.isBuffer(bytes)) throw new WorkerFailure('a read without its bytes outside a worker');
      const decoded = decodeAccessFile(bytes, displayName);
      if (!decoded.ok)
        return this.reject(trigger, read.hash, [decoded.diagnostic], { code: decoded.code, message: decoded.message });
      return this.activate(decoded.text, read.hash, trigger, started, read.facts, problems);
    } catch (error) {
      if (this.closed) return this.result('closed', null, []);
      if (error instanceof WorkerFailure) {
        // The worker died or threw (out of memory, killed, a bug): fail closed, keep the old policy.
        logger.error({ err: error, file: displayName }, `${error.message}: keeping the active policy`);
        return this.reject(trigger, null, [], { code: ReloadErrorCode.workerFailed, message: error.message });
      }
      // Only a bug gets here (loadPolicy must not throw on bad input): fail closed, keep the old policy.
      logger.error({ err: error, file: displayName }, 'reload failed unexpectedly: keeping the active policy');
      return this.reject(trigger, null, [], {
        code: ReloadErrorCode.readFailed,
        message: 'reload failed unexpectedly',
      });
    } finally {
      job?.close();
    }
  }

  /**
   * Whether the watch saw the file change while this reload read it. A watch reload can start long
   * after its debounce fired (it waits behind a running reload; the loop may be busy), by which time
   * a writer may be rewriting the file in place, and what was read is then a prefix that may parse.
   * Every write that reached the bytes read was queued as a watch event before the read finished;
   * two turns of the event loop deliver it (the read may complete after this turn's poll began),
   * and it re-arms the debounce, whose reload reads the file again once it is quiet.
   */
  private async changedDuringRead(): Promise<boolean> {
    if (this.watcher === null) return false;
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.debounce.pending;
  }

  /**
   * Whether this reload runs in a worker: the file was offThreadBytes or more when last read, and
   * the inspector (if any) is one a worker can load. The size last read, not a stat now: a stat
   * would wait on a stuck thread pool that a read gives up on at its deadline (and a file that
   * grows past the threshold in one step is read on the main thread once).
   */
  private offThread(): boolean {
    const { offThreadBytes, inspect, inspectModule } = this.settings;
    if (inspect !== undefined && inspectModule === undefined) return false;
    return this.lastReadBytes >= offThreadBytes;
  }

  private startOffThread(file: string): OffThreadLoad {
    const { displayName, maxFileBytes, readTimeoutMs, catalog, inspectModule } = this.settings;
    const job = new OffThreadLoad({
      file,
      displayName,
      maxBytes: maxFileBytes,
      timeoutMs: readTimeoutMs,
      catalog,
      inspectModule,
    });
    // A store that closes abandons the reload at once, as it abandons a read.
    this.closing.signal.addEventListener('abort', () => job.close(), { once: true });
    return job;
  }

  /**
   * The rest of a reload whose file the worker read: it decodes, parses, compiles and inspects
   * there; here the running policy's ids are redacted from the messages (as redactDiagnostics
   * does), and the credentials Map is rebuilt one chunk per turn of the event loop, so requests
   * keep being answered by the active policy until the swap.
   */
  private async activateOffThread(
    job: OffThreadLoad,
    hash: string,
    trigger: ReloadTrigger,
    started: number,
    accepted: readonly FileSafetyProblem[],
  ): Promise<ReloadResult> {
    const loaded = await job.load();
    if (this.closed) return this.result('closed', null, []);
    if (loaded.type === 'not-utf8')
      return this.reject(trigger, hash, [loaded.diagnostic], { code: loaded.code, message: loaded.message });
    const running = this.active.policy;
    const isKnown = (candidate: string): boolean => running.explain(candidate).user.kind === 'user';
    const diagnostics = loaded.diagnostics.map((d) => ({ ...d, message: redactKnownCredentials(d.message, isKnown) }));
    if (loaded.transfer === null) return this.reject(trigger, hash, diagnostics);
    let policy: Policy;
    try {
      const assembler = new PolicyAssembler(loaded.transfer, this.settings.catalog ?? nanoCatalog);
      // Every chunk after a setImmediate, the first one included: the turn that took in the
      // worker's answer (deserialising it, attaching the moved buffers) then adds one chunk, not two.
      do {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.closed) return this.result('closed', null, []);
      } while (!assembler.addChunk());
      policy = assembler.finish();
    } catch (error) {
      throw new WorkerFailure(
        `the policy from the reload worker could not be rebuilt: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return this.commit(policy, diagnostics, hash, trigger, started, accepted, () => {
      if (loaded.inspectError !== undefined) {
        this.settings.logger.error(
          { err: new Error(loaded.inspectError), file: this.settings.displayName },
          'the policy inspector threw; its findings are missing from the log',
        );
        return [];
      }
      return this.logFindings(loaded.findings, policy, new Set(loaded.idLengths));
    });
  }

  private activate(
    text: string,
    hash: string,
    trigger: ReloadTrigger,
    started: number,
    facts: AccessFileFacts | null,
    accepted: readonly FileSafetyProblem[] = [],
  ): ReloadResult {
    const { loaded, diagnostics: loadDiagnostics } = PolicyStore.compile(text, this.settings, this.active.policy);
    const policy = loaded.policy;
    if (policy === null) return this.reject(trigger, hash, loadDiagnostics);
    return this.commit(policy, loadDiagnostics, hash, trigger, started, accepted, () =>
      this.inspectActivated(text, { ...loaded, policy }, facts),
    );
  }

  /** The swap of a validated policy, then its logs, metrics and event; `inspect` runs after the swap. */
  private commit(
    policy: Policy,
    loadDiagnostics: Diagnostic[],
    hash: string,
    trigger: ReloadTrigger,
    started: number,
    accepted: readonly FileSafetyProblem[],
    inspect: () => Diagnostic[],
  ): ReloadResult {
    const { logger, displayName } = this.settings;
    const previous = this.active;
    this.active = { policy, generation: previous.generation + 1, hash, loadedAt: new Date() };
    this.successes += 1;
    this.lastReloadSuccessful = true;
    this.lastRejectedKey = null;
    const durationMs = Date.now() - started;
    logDiagnostics(logger, loadDiagnostics, { file: displayName, generation: this.active.generation });
    PolicyStore.logAcceptedProblems(this.settings, accepted, this.active.generation);
    const findings = inspect();
    const diagnostics = findings.length === 0 ? loadDiagnostics : sortDiagnostics([...loadDiagnostics, ...findings]);
    logger.info(
      { file: displayName, generation: this.active.generation, hash, users: policy.userCount, trigger, durationMs },
      'access policy reloaded',
    );
    this.notify('reloaded', {
      generation: this.active.generation,
      hash,
      previousHash: previous.hash,
      users: policy.userCount,
      diagnostics,
      trigger,
      durationMs,
    });
    return this.result('reloaded', hash, diagnostics);
  }

  private reject(
    trigger: ReloadTrigger,
    hash: string | null,
    diagnostics: Diagnostic[],
    error?: { code: string; message: string },
    key: string | null = hash,
  ): ReloadResult {
    const { logger, displayName } = this.settings;
    this.failures += 1;
    this.lastReloadSuccessful = false;
    this.lastRejectedKey = key;
    this.lastFailure = { time: new Date(), hash, diagnostics, ...(error ? { error } : {}) };
    const generation = this.active.generation;
    logDiagnostics(logger, diagnostics, { file: displayName, generation });
    const errors = errorsOf(diagnostics).length;
    logger.error(
      {
        file: displayName,
        generation,
        hash,
        trigger,
        errors,
        ...(error ? { code: error.code } : { code: ReloadErrorCode.policyInvalid }),
      },
      error
        ? `access file not reloaded: ${error.message}; keeping generation ${generation}`
        : `access file rejected with ${errors} error${errors === 1 ? '' : 's'}; keeping generation ${generation}`,
    );
    this.notify('rejected', { generation, hash, diagnostics, trigger, ...(error ? { error } : {}) });
    const result = this.result('rejected', hash, diagnostics);
    if (error) result.error = error;
    return result;
  }
}
