import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import pino from 'pino';
import type { DestinationStream, Logger, LoggerOptions as PinoOptions } from 'pino';

export interface LoggerOptions {
  /** pino level (`trace` … `fatal`, `silent`). Default: env NANO_ACCESS_LOG_LEVEL, else `info`. */
  level?: string;
  /**
   * Human-readable lines (pino-pretty) instead of JSON lines. Default: env NANO_ACCESS_LOG_FORMAT
   * (`pretty` or `json`), else pretty when the destination (stdout by default) is a terminal.
   */
  pretty?: boolean;
  /**
   * Where lines go. Default: standard output. A file descriptor (2 for standard error) is written
   * asynchronously through a bounded buffer (asyncFileDestination): what the servers use.
   */
  destination?: DestinationStream | NodeJS.WritableStream | number;
  /** The `name` field of every line. Default: `nano-access`. */
  name?: string;
  /** Environment to read NANO_ACCESS_LOG_* from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

const CENSOR = '[redacted]';

/**
 * Unwritten log bytes kept at most while the reader of the log (a pipe, a terminal, journald)
 * falls behind. Past it, lines are dropped rather than memory growing without bound; the count of
 * dropped lines is written when the process exits.
 */
export const ASYNC_LOG_MAX_BYTES = 16 * 1024 * 1024;

/**
 * How long, at most, an ending process waits for its asynchronous log to be written
 * (exitAfterLogFlush): the write in flight to finish and every queued line after it. Only a reader
 * of the log that takes no byte for this long (a stopped pipe) makes the exit go on without the
 * rest; shutdown stays bounded by it.
 */
export const LOG_EXIT_FLUSH_MS = 5_000;

/**
 * Lines logged within this many milliseconds of a write are gathered into the next write, at most
 * this long after it (see asyncFileDestination): a busy server makes at most ~100 timed writes a
 * second instead of one per line, and a line waits at most this long for its write to start.
 */
export const LOG_COALESCE_MS = 10;

/**
 * Unwritten bytes that start a write at once, without waiting for LOG_COALESCE_MS. Each write costs
 * the event loop a hand-off to a worker thread (~16 µs of wall time on the shared 2-core VM, more
 * when the woken thread takes the core) and its completion: at 8 KiB, a gateway logging every
 * request made a write per ~30 lines and the hand-off was the largest cost of its log
 * (bench/_gateway-cost.ts, BENCH_PROFILE); at 64 KiB a busy gateway's writes are the window's.
 */
export const LOG_COALESCE_BYTES = 64 * 1024;

/** The parts of sonic-boom (pino.destination) the exit flush reads. */
interface SonicBoomState {
  _writing: boolean;
  _len: number;
  destroyed: boolean;
  fd: number;
  flush(): void;
}

/** sonic-boom's calls that asyncFileDestination wraps so that text waiting in it goes first. */
interface SonicBoomCalls {
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
  end(): void;
}

/** An asynchronous destination (asyncFileDestination): sonic-boom's state, and its text not yet handed to it. */
interface AsyncDestination {
  state: SonicBoomState;
  handOver: () => void;
}

/** Every asynchronous destination of this process (asyncFileDestination), for the exit flush. */
const asyncDestinations = new Set<AsyncDestination>();

/**
 * A file descriptor written without blocking the event loop: pino's asynchronous destination
 * (sonic-boom), each write done in libuv's thread pool. A line logged after a quiet spell is
 * handed to the kernel at once; lines logged within LOG_COALESCE_MS of that write wait and go in
 * one write at the end of the window (or as soon as LOG_COALESCE_BYTES are waiting), and so on
 * while lines keep coming. A quiet server delays nothing; a busy one makes a write per window
 * instead of a write per line. Each write costs a round trip through the thread pool (a wake-up
 * of a worker thread, the system call, a wake-up of the event loop for its callback): at a line
 * per request, with writes quick enough that none was in flight when the next line came (a
 * regular file, a pipe drained at once), every line paid it: ~40 µs of CPU per line above the
 * floor at a line per millisecond on the shared 2-core machine, ~16 µs gathered (bench/log-line.ts,
 * paced table).
 *
 * Exit: a write in flight runs in libuv's thread pool, and sonic-boom's synchronous exit flush
 * (pino's 'exit' hook) skips that batch (it cannot know how much of it the kernel took), so a
 * process that exits while one is in flight loses it. Ending processes therefore exit through
 * exitAfterLogFlush (SIGTERM/SIGINT, the end of a command) and exitOnCrashAfterLogFlush (uncaught
 * exceptions and rejections), which wait for the write in flight and the queue, bounded by
 * LOG_EXIT_FLUSH_MS. A bare process.exit() (or a natural end) still flushes the queue synchronously,
 * lines waiting for their window included, but not a batch in flight; SIGKILL (or a hard crash of
 * the runtime) can cost the unwritten tail, now up to LOG_COALESCE_MS of lines more than before.
 */
export function asyncFileDestination(fd: number, maxBytes = ASYNC_LOG_MAX_BYTES): DestinationStream {
  const destination = pino.destination({
    dest: fd,
    sync: false,
    // sonic-boom starts a write by itself only past this many bytes; below it, the window's timer does.
    minLength: LOG_COALESCE_BYTES,
    // A batch handed over whole (below) stays one write: sonic-boom's default is 16 KiB.
    maxWrite: 4 * LOG_COALESCE_BYTES,
    maxLength: maxBytes,
    contentMode: 'buffer',
  });
  const state = destination as unknown as SonicBoomState & SonicBoomCalls;
  // Lines wait here as text, joined, and go to sonic-boom as one UTF-8 buffer per batch. In its
  // string mode sonic-boom measures the whole pending batch with Buffer.byteLength on every line
  // (a rescan of up to 16 KiB of queued text per line); a Buffer made per line cost ~1.4 µs of
  // allocation and encoding each (bench/_gateway-cost.ts, BENCH_PROFILE); one per batch costs a
  // line its share of one encode.
  const writeBytes = destination.write.bind(destination) as unknown as (bytes: Buffer) => boolean;
  let pending = '';
  const handOver = (): void => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    writeBytes(Buffer.from(text, 'utf8'));
  };
  let window: NodeJS.Timeout | undefined;
  // The end of a window: what waited is written, and another window follows while anything is
  // unwritten (lines may come during the write); once all is written, the next line starts afresh.
  const endWindow = (): void => {
    window = undefined;
    if (state.destroyed) return;
    handOver();
    if (state._len === 0) return;
    if (!state._writing) destination.flush();
    window = setTimeout(endWindow, LOG_COALESCE_MS).unref();
  };
  destination.write = (line: string | Buffer): boolean => {
    if (typeof line !== 'string' || state.destroyed) {
      // Bytes keep their place after the text before them; a destroyed destination throws, as sonic-boom's does.
      handOver();
      return writeBytes(typeof line === 'string' ? Buffer.from(line, 'utf8') : line);
    }
    pending += line;
    if (window === undefined) {
      // The first line after a quiet spell goes out now; the window gathers what follows it.
      handOver();
      if (!state._writing && state._len > 0) destination.flush();
      // Unreferenced: the log never keeps a process alive; at a natural exit pino's exit hook
      // writes what waits, synchronously (flushSync, below).
      window = setTimeout(endWindow, LOG_COALESCE_MS).unref();
    } else if (pending.length >= LOG_COALESCE_BYTES) {
      // Enough to start a write at once (sonic-boom starts it unless one is in flight).
      handOver();
    }
    return true;
  };
  // Whatever empties sonic-boom's queue takes the waiting text first: pino's exit hook
  // (flushSync), logger.flush(), end().
  const flush = state.flush.bind(state);
  const flushSync = state.flushSync.bind(state);
  const end = state.end.bind(state);
  state.flush = (callback?: (error?: Error) => void): void => {
    handOver();
    flush(callback);
  };
  state.flushSync = (): void => {
    handOver();
    flushSync();
  };
  state.end = (): void => {
    handOver();
    end();
  };
  let dropped = 0;
  // A dropped batch is as many lines as it has line ends.
  destination.on('drop', (data: Buffer) => {
    if (dropped === 0) process.once('exit', () => reportDropped(fd, () => dropped));
    dropped += countLines(data);
  });
  const entry: AsyncDestination = { state, handOver };
  asyncDestinations.add(entry);
  destination.on('close', () => {
    clearTimeout(window);
    asyncDestinations.delete(entry);
  });
  return destination;
}

/** The line ends in a batch of lines. */
function countLines(data: Buffer): number {
  let lines = 0;
  for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, at + 1)) lines++;
  return Math.max(1, lines);
}

/** Nothing in flight and nothing queued. */
function settled(destination: SonicBoomState): boolean {
  return destination.destroyed || (!destination._writing && destination._len === 0);
}

/**
 * Resolves once every asynchronous destination (asyncFileDestination) has written everything
 * logged so far, the write in flight included: true; or false when `deadlineMs` passed first
 * (a reader that takes nothing). Never rejects.
 */
export function flushAsyncLogs(deadlineMs = LOG_EXIT_FLUSH_MS): Promise<boolean> {
  const started = Date.now();
  return new Promise((resolve) => {
    const check = (): void => {
      let pending = false;
      for (const { state: destination, handOver } of asyncDestinations) {
        if (!destination.destroyed) handOver();
        if (settled(destination)) continue;
        pending = true;
        // Idle with bytes queued (lines waiting for their window): start their write.
        if (!destination._writing && destination.fd >= 0) {
          try {
            destination.flush();
          } catch {
            // Destroyed meanwhile: settled.
          }
        }
      }
      if (!pending) resolve(true);
      else if (Date.now() - started >= deadlineMs) resolve(false);
      else setTimeout(check, 2);
    };
    check();
  });
}

/**
 * Exits with `code` once the asynchronous log is written (flushAsyncLogs, at most `deadlineMs`):
 * how serve and gateway end, on SIGTERM/SIGINT and at the end of a command. `before` runs right
 * before the exit, after the log (say, a crash report written synchronously to the same fd, which
 * must not cut into a log line being written).
 */
export function exitAfterLogFlush(code: number, deadlineMs = LOG_EXIT_FLUSH_MS, before?: () => void): void {
  void flushAsyncLogs(deadlineMs).then(() => {
    try {
      before?.();
    } finally {
      process.exit(code);
    }
  });
}

let crashHandlersInstalled = false;

/**
 * An uncaught exception or unhandled rejection ends the process with code 1 as Node would, but
 * only after the asynchronous log is written (exitAfterLogFlush); its stack goes to standard error
 * after the log's lines. A second crash while waiting changes nothing: the first exit proceeds.
 */
export function exitOnCrashAfterLogFlush(deadlineMs = LOG_EXIT_FLUSH_MS): void {
  if (crashHandlersInstalled) return;
  crashHandlersInstalled = true;
  let crashed = false;
  const crash = (error: unknown): void => {
    if (crashed) return;
    crashed = true;
    exitAfterLogFlush(1, deadlineMs, () => {
      const text = error instanceof Error && error.stack !== undefined ? error.stack : String(error);
      writeLastWords(2, `${text}\n`);
    });
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

function reportDropped(fd: number, dropped: () => number): void {
  const line = JSON.stringify({
    level: 40,
    time: new Date().toISOString(),
    name: 'nano-access',
    dropped: dropped(),
    msg: `log lines dropped: the log's reader fell more than ${ASYNC_LOG_MAX_BYTES} bytes behind`,
  });
  writeLastWords(fd, `${line}\n`);
}

/** How long a process's last words (a crash's stack, the dropped-lines count) may wait for a full pipe. */
export const LAST_WORDS_WAIT_MS = 1_000;

/**
 * Writes `text` to `fd` synchronously, as a process about to exit must, waiting up to `waitMs` for
 * a full pipe. Standard error is non-blocking once Node has opened it as a stream, so a reader that
 * lags (a log shipper, a terminal held by a pager) turns a plain writeSync into EAGAIN and the
 * crash's stack was lost. A partial write goes on from where it stopped. Past the wait, or on any
 * other error, the rest is given up: nothing is left to report it to.
 */
export function writeLastWords(fd: number, text: string, waitMs = LAST_WORDS_WAIT_MS): void {
  const bytes = Buffer.from(text, 'utf8');
  const giveUpAt = Date.now() + waitMs;
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() >= giveUpAt) return;
      sleepSync(2);
    }
  }
}

/** Blocks the thread for `ms` (the process is exiting: there is nothing else for it to do). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Fields that may carry credentials (a user id is an API key). Library code never logs them;
 * this is defence in depth against a caller that logs a request object or an explanation.
 */
export const REDACTED_PATHS: readonly string[] = Object.freeze([
  'credentials',
  '*.credentials',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'id',
  'user',
  '*.user',
  'userId',
  '*.userId',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers["nano-api-key"]',
  '*.headers["nano-api-key"]',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
]);

let isoMillis = -1;
let isoField = '';
/** The start (ms since the epoch) of the minute isoMinuteHead names; NaN when none (no minute is then reused). */
let isoMinuteStart = Number.NaN;
/** `,"time":"2026-12-06T03:00:`: the field up to its seconds, the same for a whole minute. */
let isoMinuteHead = '';
/** 10000-01-01T00:00:00.000Z: from there on toISOString() writes a six-digit year (`+010000-…`). */
const ISO_FOUR_DIGIT_YEARS_END = 253_402_300_800_000;
/** `00` … `59`, and `000` … `999`: the seconds and milliseconds of toISOString(). */
const ISO_SECONDS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const ISO_MILLIS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * pino's `isoTime` field (`,"time":"2026-12-06T03:00:00.000Z"`), formatted once per millisecond:
 * a server logging a line per request writes many lines in the same millisecond, and
 * `toISOString()` was about a fifth of such a line's cost. A new millisecond in the same minute
 * (UTC minutes are whole multiples of 60,000 ms: JavaScript time has no leap seconds) reuses the
 * minute's head and appends its seconds and milliseconds from tables: `toISOString()` (its date
 * cache and printf) cost ~7,000 instructions per call, which a line paid whenever its request was
 * the only one in its millisecond (bench/_gateway-cost.ts under callgrind: every request). The
 * text is exactly `toISOString()`'s; times before 1970 or after year 9999 always take it.
 */
function isoTime(): string {
  const now = Date.now();
  if (now !== isoMillis) {
    isoMillis = now;
    const intoMinute = now - isoMinuteStart;
    // A whole number of milliseconds into the minute (not before it: a clock set back; not NaN).
    if (intoMinute < 60_000 && intoMinute >>> 0 === intoMinute) {
      isoField = `${isoMinuteHead}${ISO_SECONDS[Math.floor(intoMinute / 1000)]}.${ISO_MILLIS[intoMinute % 1000]}Z"`;
    } else {
      const iso = new Date(now).toISOString();
      isoField = `,"time":"${iso}"`;
      // A clock set back, or a time toISOString() writes differently, takes this branch again.
      const wholeMillis = Number.isInteger(now) && now >= 0 && now < ISO_FOUR_DIGIT_YEARS_END;
      isoMinuteStart = wholeMillis ? now - (now % 60_000) : Number.NaN;
      isoMinuteHead = wholeMillis ? `,"time":"${iso.slice(0, 17)}` : '';
    }
  }
  return isoField;
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

function chooseLevel(options: LoggerOptions, env: NodeJS.ProcessEnv): { level: string; rejected?: string } {
  const wanted = options.level ?? env.NANO_ACCESS_LOG_LEVEL;
  if (wanted === undefined || wanted === '') return { level: 'info' };
  const level = wanted.trim().toLowerCase();
  return LEVELS.has(level) ? { level } : { level: 'info', rejected: wanted };
}

function choosePretty(options: LoggerOptions, env: NodeJS.ProcessEnv): boolean {
  if (options.pretty !== undefined) return options.pretty;
  const format = env.NANO_ACCESS_LOG_FORMAT?.trim().toLowerCase();
  if (format === 'pretty') return true;
  if (format === 'json') return false;
  return isTerminal(options.destination);
}

/** Readable lines go to people: a destination (stdout by default, or a given stream such as stderr) that is a terminal. */
function isTerminal(destination: LoggerOptions['destination']): boolean {
  if (typeof destination === 'number') return isatty(destination);
  const target = (destination ?? process.stdout) as { isTTY?: boolean };
  return target.isTTY === true;
}

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

function loadPretty(): PrettyFactory | null {
  try {
    // Optional: pino-pretty is a development tool; without it, lines stay JSON.
    const loaded = require('pino-pretty') as PrettyFactory | { default: PrettyFactory };
    return typeof loaded === 'function' ? loaded : loaded.default;
  } catch {
    return null;
  }
}

/** One line of a hot log: fields the caller builds from values that cannot hold a credential. */
export type LineFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** Writes one line at a fixed level (see lineWriter). */
export type LineWriter = (fields: LineFields, msg: string) => void;

interface PinoInternals {
  stream: { write(line: string): unknown } | undefined;
  chindings: string | undefined;
  time: (() => string) | undefined;
}

function internalsOf(logger: Logger): PinoInternals {
  const raw = logger as unknown as Record<symbol, unknown>;
  return {
    stream: raw[pino.symbols.streamSym] as PinoInternals['stream'],
    chindings: raw[pino.symbols.chindingsSym] as string | undefined,
    time: raw[pino.symbols.timeSym] as (() => string) | undefined,
  };
}

/**
 * A writer of lines in the logger's own format (level, time, its bindings, the fields, msg) to
 * its destination, for a line per request: it skips pino's generic path, whose redaction walks
 * every field against the credential paths (about two thirds of a request line's cost, measured),
 * and whose per-field serialisation costs as much again as one JSON.stringify. Only for fields
 * the caller builds itself from values that cannot hold a credential (the gateway's log_rpc line:
 * catalog names, a masked caller, a status, a duration). Undefined fields are left out. Null when
 * the level is disabled; a logger that is not pino's own falls back to its `level` method.
 */
export function lineWriter(logger: Logger, level: 'info' | 'debug' = 'info'): LineWriter | null {
  if (!logger.isLevelEnabled(level)) return null;
  const { stream, chindings, time } = internalsOf(logger);
  if (stream === undefined || typeof stream.write !== 'function' || chindings === undefined || time === undefined)
    return (fields, msg) => logger[level]({ ...fields }, msg);
  const head = `{"level":${logger.levels.values[level]}`;
  return (fields, msg) => {
    const body = JSON.stringify(fields);
    stream.write(
      `${head}${time()}${chindings}${body.length > 2 ? `,${body.slice(1, -1)}` : ''},"msg":${JSON.stringify(msg)}}\n`,
    );
  };
}

/**
 * A JSON string's content, without its quotes, in ASCII only: what `JSON.stringify(text)` writes
 * between its quotes, except that every character past ASCII is written as its `\uXXXX` escape,
 * which every JSON reader decodes back to the same text (jq, pino-pretty and `JSON.parse` show the
 * `…` of `user #3 (…bc57)`; the file holds `user #3 (\u2026bc57)`). For the short strings of the
 * hot log_rpc line.
 *
 * Why ASCII: a line is joined to its batch as a string (asyncFileDestination), and one character
 * past Latin-1, the `…` every masked caller has, makes V8 keep the whole batch at two bytes a
 * character, flatten it so and encode it to UTF-8 character by character: 4.0 µs a line through
 * the servers' destination against 1.3 µs for the same line in ASCII (`npx tsx bench/log-line.ts`).
 *
 * A string with nothing to escape is itself, after a scan of its characters. Any other is made
 * again from its character codes: a slice of a two-byte string stays two-byte even when what it
 * holds is ASCII. Without the quotes, so that the caller's template puts them in its own constant
 * text.
 */
export function asciiJsonStringContent(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (!isPlainAscii(text.charCodeAt(i))) return escapedToAscii(text);
  }
  return text;
}

/** A character JSON writes as itself and that is ASCII: printable, not `"` nor `\`. */
function isPlainAscii(c: number): boolean {
  return c >= 0x20 && c < 0x80 && c !== 0x22 && c !== 0x5c;
}

/**
 * The text with its escapes, written as bytes into a scratch buffer and read back as Latin-1: one
 * flat one-byte string. Concatenated a character at a time it was one-byte too, but a rope of a
 * node per character, ~0.9 µs a line to build and flatten (bench/log-line.ts, the floor row).
 */
function escapedToAscii(text: string): string {
  // At most six bytes a character (`\uXXXX`).
  const bytes = text.length * 6 <= scratch.length ? scratch : Buffer.allocUnsafe(text.length * 6);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isPlainAscii(c)) {
      bytes[n++] = c;
      continue;
    }
    const escape = SHORT_ESCAPES.get(c) ?? `\\u${c.toString(16).padStart(4, '0')}`;
    for (let k = 0; k < escape.length; k++) bytes[n++] = escape.charCodeAt(k);
  }
  return bytes.toString('latin1', 0, n);
}
const scratch = Buffer.allocUnsafe(1024);

/** The escapes JSON.stringify writes in short form; every other escaped character is `\uXXXX`. */
const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '\\"'],
  [0x5c, '\\\\'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
]);

/**
 * Writes one line whose fields the caller gives as JSON text: each field a `,"name":value`, in the
 * order they are to appear (see jsonLineWriter).
 */
export type JsonLineWriter = (fieldsJson: string) => void;

/**
 * lineWriter for a caller that writes its fields' JSON itself (with asciiJsonStringContent), and one fixed
 * `msg`: the line is the logger's head (level, time, bindings), `fieldsJson`, and `msg`, with no
 * JSON.stringify of a fields object. `fieldsJson` is `,"name":value` per field, or '' for none; it
 * must be valid JSON members, holding nothing that may carry a credential (no redaction is done,
 * as with lineWriter). Null when the level is disabled; a logger that is not pino's own gets the
 * fields parsed back into its `level` method.
 */
export function jsonLineWriter(logger: Logger, msg: string, level: 'info' | 'debug' = 'info'): JsonLineWriter | null {
  if (!logger.isLevelEnabled(level)) return null;
  const { stream, chindings, time } = internalsOf(logger);
  if (stream === undefined || typeof stream.write !== 'function' || chindings === undefined || time === undefined)
    return (fieldsJson) => logger[level](JSON.parse(`{${fieldsJson.slice(1)}}`) as Record<string, unknown>, msg);
  const head = `{"level":${logger.levels.values[level]}`;
  const tail = `,"msg":${JSON.stringify(msg)}}\n`;
  // The line's start (level, time, bindings) as one string, made again when the time text changes
  // (once per millisecond at most): a line is then three pieces, not five. Concatenated, not
  // joined: a join costs ~700 instructions, which a millisecond with one line would pay.
  // Made for the first line's time text, even '' (a logger with `timestamp: false`).
  let stampedAt: string | undefined;
  let start = '';
  return (fieldsJson) => {
    const now = time();
    if (now !== stampedAt) {
      stampedAt = now;
      start = `${head}${now}${chindings}`;
    }
    stream.write(`${start}${fieldsJson}${tail}`);
  };
}

/**
 * The project's one logger: pino, JSON lines (ISO time) for production, readable lines on a
 * terminal, credential-bearing fields redacted. Pass it (or a child of it) to every package.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const { level, rejected } = chooseLevel(options, env);
  const pinoOptions: PinoOptions = {
    name: options.name ?? 'nano-access',
    level,
    timestamp: isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: CENSOR },
  };
  const given = options.destination;
  const prettyFactory = choosePretty(options, env) ? loadPretty() : null;
  let destination: DestinationStream | undefined;
  if (prettyFactory !== null) {
    // People read it on a terminal: written as it comes, no batching to gain.
    destination = prettyFactory({
      destination: given ?? 1,
      colorize: isTerminal(given),
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      sync: true,
    });
  } else if (typeof given === 'number') {
    destination = asyncFileDestination(given);
  } else {
    destination = given;
  }
  const logger = destination === undefined ? pino(pinoOptions) : pino(pinoOptions, destination);
  if (rejected !== undefined)
    logger.warn({ requestedLevel: rejected }, 'unknown log level in NANO_ACCESS_LOG_LEVEL or options; using info');
  return logger;
}
