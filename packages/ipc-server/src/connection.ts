import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Dispatcher, ResponseEnvelope, Session } from '@nano-access/protocol';
import {
  encodeFlatbuffersEnvelope,
  ErrorCode,
  errorEnvelope,
  ErrorMessage,
  invalidFormatEnvelope,
  LegacyError,
  legacyErrorBody,
} from '@nano-access/protocol';
import { ServerHandshake } from './access-check';
import type { EventBudget, InflightAccount, InflightBudget, SlowConsumerReason } from './budgets';
import { ByteQueue } from './byte-queue';
import { emptyInPlace } from './empty-in-place';
import { IpcErrorCode } from './errors';
import { FrameParser, type FramingError, type RequestFrame } from './frame-parser';
import { encodeAsciiResponse, encodeResponse, type Encoding } from './framing';

/** What a connection needs of the protocol's Dispatcher (tests may pass a stand-in). */
export type IpcDispatcher = Pick<Dispatcher, 'handleEnvelope' | 'handleLegacy' | 'handleFlatbuffers' | 'closeSession'>;

export type TransportName = 'tcp' | 'local';

export interface ConnectionOptions {
  dispatcher: IpcDispatcher;
  logger: Logger;
  transport: TransportName;
  allowUnsafe: boolean;
  ioTimeoutMs: number;
  maxFrameBytes: number;
  /** The access-check secret, or null when the transport has no check. */
  secret: Buffer | null;
  /** The server's budget of request bytes in flight (max_inflight_bytes), shared by every connection. */
  inflight: InflightBudget;
  /** The server's budget of queued event bytes (max_queued_event_bytes), shared by every connection. */
  events: EventBudget<IpcConnection>;
}

/** Frames parsed but not yet answered before reading pauses (bounds memory under a pipelining flood). */
const MAX_QUEUED_FRAMES = 64;
/** Unsent response bytes before reading pauses until the peer reads. */
const WRITE_HIGH_WATER_BYTES = 1024 * 1024;
/** Unsent bytes (answers and events) at which a subscriber that does not read is dropped. */
const SLOW_CONSUMER_BYTES = 16 * 1024 * 1024;

const LEGACY_UNPARSABLE = legacyErrorBody(LegacyError.unableToParse);
const LEGACY_INTERNAL = legacyErrorBody(LegacyError.internal);

/**
 * A parsed request, or the end of the connection after a framing error: `answer` is the error
 * answer to send first ('flatbuffers': the dispatcher's format error; null: none, framing lost).
 */
type WorkItem = { frame: RequestFrame } | { close: { answer: Buffer | 'flatbuffers' | null } };

let nextConnectionId = 1;

/**
 * Connections with answers to write at the end of this event-loop turn: written together after the
 * turn's reads, because every write() wakes a client that then preempts the busier server.
 */
let flushing: Array<() => void> = [];

function scheduleFlush(flush: () => void): void {
  if (flushing.length === 0) setImmediate(flushAll);
  flushing.push(flush);
}

function flushAll(): void {
  const list = flushing;
  flushing = [];
  for (const flush of list) flush();
}

/**
 * One client connection: reads frames, answers them one at a time in order,
 * pushes subscription events. It is the protocol Session of the connection.
 */
export class IpcConnection implements Session {
  readonly id: string;
  private readonly queue = new ByteQueue();
  private readonly parser: FrameParser;
  private handshake: ServerHandshake | null;
  private readonly work: WorkItem[] = [];
  private processing = false;
  private closed = false;
  private ending = false;
  private frameTimer: NodeJS.Timeout | null = null;
  /** After the last answer is written on a closing connection: destroys it if the peer lingers. */
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Events go out in the encoding of the latest v2 request: flatbuffers for a flatbuffers client. */
  private eventEncoding: 3 | 4 = 4;
  private readonly log: Logger;
  /** Answers (and events) not yet written, in order; written by flushOutgoing at the end of the turn. */
  private readonly outgoing: Buffer[] = [];
  /** Event bytes among `outgoing`, charged to the event budget until the kernel takes them. */
  private outgoingEventBytes = 0;
  /** This connection's share of the budget of request bytes in flight. */
  private readonly inflight: InflightAccount;
  /** Length of the frame being answered (charged until its answer is made). */
  private answeringBytes = 0;
  /** The peer's address (TCP; undefined on a unix socket): the rate limiter's bucket for the default user. */
  private readonly clientAddress: string | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.id = `${options.transport}-${nextConnectionId++}`;
    this.clientAddress = socket.remoteAddress;
    this.log = options.logger.child({ connection: this.id });
    this.inflight = options.inflight.account();
    this.parser = new FrameParser(options.maxFrameBytes, this.queue, this.inflight);
    this.handshake = options.secret === null ? null : new ServerHandshake(options.secret);
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.log.debug({ err: error.code ?? error.message }, 'ipc connection error'),
    );
    socket.on('close', () => this.onClose());
    // The handshake has one io_timeout from connect to completion, not per byte.
    if (this.handshake !== null) this.armFrameTimer(false);
  }

  /**
   * Session: an event for this connection's subscriptions, as a response frame in the encoding of
   * the connection's latest v2 request (a JSON envelope, or a flatbuffers Envelope).
   */
  push(envelope: ResponseEnvelope): void {
    if (this.closed || this.ending || this.socket.destroyed) return;
    if (this.socket.writableLength > SLOW_CONSUMER_BYTES) {
      this.cutSlowConsumer('connection');
      return;
    }
    const bytes =
      this.eventEncoding === 3 ? encodeResponse(encodeFlatbuffersEnvelope(envelope)) : encodeAsciiResponse(envelope);
    // The server-wide budget: make room by cutting the slowest reader (maybe this one).
    const events = this.options.events;
    while (!events.tryCharge(this, bytes.length)) {
      const slowest = events.largestHolder() ?? this;
      slowest.cutSlowConsumer('global');
      if (slowest === this) return;
    }
    this.outgoingEventBytes += bytes.length;
    // Through the same queue as the answers, so an event never overtakes an answer before it.
    this.send(bytes);
  }

  /** Drops a subscriber that does not read its events; what it held is given back at once. */
  private cutSlowConsumer(reason: SlowConsumerReason): void {
    if (this.closed || this.socket.destroyed) return;
    const events = this.options.events;
    events.cutoffs[reason] += 1;
    this.log.warn(
      reason === 'connection'
        ? { code: IpcErrorCode.slowConsumer, reason, limit: SLOW_CONSUMER_BYTES }
        : { code: IpcErrorCode.slowConsumer, reason, limit: events.limit },
      reason === 'connection'
        ? 'ipc subscriber does not read its events; closing'
        : 'ipc subscriber holds the most of the queued event bytes, whose budget is exhausted; closing',
    );
    // Given back now, not at the close event: the caller may be making room for an event.
    events.releaseAll(this);
    this.outgoingEventBytes = 0;
    // Not destroy(): what waits in `outgoing` is what the peer does not read; nothing to flush first.
    this.outgoing.length = 0;
    this.socket.destroy();
  }

  private send(bytes: Buffer): void {
    if (this.outgoing.length === 0) scheduleFlush(this.flushOutgoing);
    this.outgoing.push(bytes);
  }

  /** Writes the queued answers; then reading may resume (pausing counts only what was written). */
  private readonly flushOutgoing = (): void => {
    if (this.closed || this.socket.destroyed) {
      this.outgoing.length = 0;
      return;
    }
    if (this.outgoing.length === 0) return;
    this.writeOutgoing();
    this.maybeResume();
  };

  private writeOutgoing(): void {
    const outgoing = this.outgoing;
    // Events stay charged until the kernel takes them: the callback of the batch's last write
    // (writes complete in order) gives back the batch's event bytes.
    const eventBytes = this.outgoingEventBytes;
    this.outgoingEventBytes = 0;
    const written = eventBytes === 0 ? undefined : () => this.options.events.release(this, eventBytes);
    if (outgoing.length === 1) {
      this.socket.write(outgoing[0], written);
    } else {
      // Several answers for one client (it pipelines): one writev instead of a write each.
      this.socket.cork();
      const last = outgoing.length - 1;
      for (let i = 0; i < last; i++) this.socket.write(outgoing[i]);
      this.socket.write(outgoing[last], written);
      this.socket.uncork();
    }
    emptyInPlace(outgoing);
  }

  /** Ends the connection (server shutdown). */
  destroy(): void {
    if (this.closed) return;
    // Answers already made (e.g. the one to a `stop` request) still go out first: they wait only
    // for the end of the turn, and a shutdown in the same turn must not swallow them.
    if (this.outgoing.length > 0 && !this.socket.destroyed) this.writeOutgoing();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.ending) return;
    if (this.handshake !== null) {
      this.queue.push(chunk);
      if (!this.advanceHandshake()) return;
    } else {
      this.parser.push(chunk);
    }
    this.readFrames();
  }

  /** True when the handshake is done and frames may be read. */
  private advanceHandshake(): boolean {
    for (;;) {
      const handshake = this.handshake;
      if (handshake === null) return true;
      const step = handshake.step(this.queue);
      if (step === null) return false;
      if (step === 'fail') {
        this.log.info({ code: IpcErrorCode.accessDenied }, 'ipc access check failed');
        this.destroy();
        return false;
      }
      this.socket.write(step.send);
      if (step.done) {
        this.handshake = null;
        this.clearFrameTimer();
        return true;
      }
    }
  }

  private readFrames(): void {
    let completed = 0;
    for (;;) {
      const step = this.parser.next();
      if (step === null) break;
      if ('error' in step) {
        this.onFramingError(step.error);
        return;
      }
      this.work.push(step); // already { frame }: no second object per request
      completed += 1;
    }
    // As the node's io_timeout: a frame, once started, must be complete within io_timeout, however
    // its bytes trickle in. The clock restarts only when a new frame starts.
    if (!this.parser.partial) this.clearFrameTimer();
    else if (completed > 0) this.armFrameTimer(true);
    else this.armFrameTimer(false);
    if (this.work.length >= MAX_QUEUED_FRAMES) this.socket.pause();
    void this.process();
  }

  /**
   * The stream can no longer be read as frames. The requests framed before the bad bytes are still
   * answered, in order; then the error answer (where the framing was intact), then the close. From
   * here on nothing more is parsed: the parser has dropped what followed the bad bytes, and later
   * bytes are read and discarded (not buffered, and not left in the kernel, where unread data would
   * turn our close into a reset that can cost the peer its answers).
   */
  private onFramingError(error: FramingError): void {
    this.clearFrameTimer();
    this.ending = true;
    this.queue.clear();
    if (error.kind === 'bad-preamble') {
      this.log.debug({ code: IpcErrorCode.badPreamble }, 'ipc bad preamble; closing');
      this.work.push({ close: { answer: null } });
    } else {
      const { code, detail } = lengthRefusal(error, this.options.maxFrameBytes);
      this.log.debug(
        { code },
        error.kind === 'over-budget'
          ? 'ipc frame refused: no room in max_inflight_bytes; closing'
          : 'ipc bad frame length; closing',
      );
      // The preamble and length were intact: answer in the request's encoding, after the earlier requests' answers.
      this.work.push({ close: { answer: this.framingErrorResponse(error.encoding, detail) } });
    }
    if (this.socket.isPaused()) this.socket.resume();
    void this.process();
  }

  private framingErrorResponse(encoding: Encoding, detail: string): Buffer | 'flatbuffers' {
    if (encoding === 1 || encoding === 2)
      return encodeAsciiResponse(legacyErrorBody(`${LegacyError.invalidRequestPrefix}${detail}`));
    if (encoding === 4) return encodeAsciiResponse(invalidFormatEnvelope(detail));
    // Encoding 3 wants a flatbuffers answer; an empty Envelope is the dispatcher's own format error.
    return 'flatbuffers';
  }

  private process(): void {
    if (this.processing) return;
    this.processing = true;
    this.advance();
  }

  /**
   * Answers the queued work in order, one request at a time. An answer known at once is written
   * at once; otherwise the dispatcher's promise gets one reaction, which writes the answer and
   * comes back here (no async function frames around it: each cost a promise and a microtask hop
   * per request).
   */
  private advance(): void {
    while (!this.closed) {
      const item = this.work.shift();
      if (item === undefined) break;
      if ('close' in item) {
        this.finish(item.close.answer);
        break;
      }
      this.answeringBytes = item.frame.payload.length;
      const response = this.answer(item.frame);
      if (response === null) return; // deliver() continues
      this.answered();
      this.send(response);
    }
    this.processing = false;
  }

  /** Writes an answer that came from the dispatcher's promise, then goes on with the queue. */
  private deliver(response: Buffer): void {
    if (this.closed) {
      this.processing = false;
      return;
    }
    this.answered();
    this.send(response);
    this.advance();
  }

  /** The frame being answered has its answer: its bytes leave the budget of bytes in flight. */
  private answered(): void {
    this.inflight.release(this.answeringBytes);
    this.answeringBytes = 0;
  }

  /** The end of a connection after a framing error: the error answer (if any), then the close. */
  private finish(answer: Buffer | 'flatbuffers' | null): void {
    if (answer === 'flatbuffers') {
      // Fail closed: without the dispatcher's format error, the close alone.
      this.flatbuffersFormatError().then(
        (response) => this.endWith(response),
        () => this.endWith(null),
      );
    } else {
      this.endWith(answer);
    }
  }

  private endWith(response: Buffer | null): void {
    if (this.closed) return;
    // The earlier requests' answers first, then the error answer and the close.
    if (this.outgoing.length > 0) this.writeOutgoing();
    if (response === null) this.socket.end();
    else this.socket.end(response);
    // A peer that never closes its side (or never reads) must not hold the connection.
    // The timer is cleared on close: left pending, it would keep this connection (socket,
    // queue) reachable for io_timeout after every bad frame, a flood's worth of them.
    this.lingerTimer = setTimeout(() => this.destroy(), this.options.ioTimeoutMs);
    this.lingerTimer.unref();
  }

  private async flatbuffersFormatError(): Promise<Buffer> {
    const bytes = await this.options.dispatcher.handleFlatbuffers(new Uint8Array(0), {
      transport: 'ipc',
      session: this,
    });
    return encodeResponse(bytes);
  }

  private maybeResume(): void {
    if (this.closed || this.ending) return;
    if (
      this.work.length < MAX_QUEUED_FRAMES &&
      this.socket.writableLength < WRITE_HIGH_WATER_BYTES &&
      this.socket.isPaused()
    ) {
      this.socket.resume();
    }
  }

  /**
   * Starts answering one frame: the answer when it is known at once (an unparsable request, or
   * whatever the dispatcher answers at once), else null and the answer goes to deliver() when the
   * dispatcher's promise settles. Never throws: a failing dispatcher is an internal error answer.
   */
  private answer(frame: RequestFrame): Buffer | null {
    const { dispatcher } = this.options;
    try {
      switch (frame.encoding) {
        case 1:
        case 2: {
          const request = parseJson(frame.payload);
          if (!request.ok) return encodeAsciiResponse(LEGACY_UNPARSABLE);
          const unsafeAllowed = frame.encoding === 2 && this.options.allowUnsafe;
          const result = dispatcher.handleLegacy(request.value, { authorize: false, unsafeAllowed });
          if (!(result instanceof Promise)) return this.legacyBytes(result);
          result.then(this.onLegacy, this.onLegacyFailure);
          return null;
        }
        case 3: {
          this.eventEncoding = 3;
          dispatcher
            .handleFlatbuffers(frame.payload, {
              transport: 'ipc',
              session: this,
              controlAllowed: this.options.allowUnsafe,
              clientAddress: this.clientAddress,
            })
            .then(this.onFlatbuffers, this.onFlatbuffersFailure);
          return null;
        }
        case 4: {
          this.eventEncoding = 4;
          const envelope = parseJson(frame.payload);
          if (!envelope.ok) {
            return encodeAsciiResponse(invalidFormatEnvelope(envelope.error));
          }
          const response = dispatcher.handleEnvelope(envelope.value, {
            transport: 'ipc',
            session: this,
            // The envelope carries its own credentials and correlation id; the Dispatcher reads them.
            controlAllowed: this.options.allowUnsafe,
            clientAddress: this.clientAddress,
          });
          if (!(response instanceof Promise)) return this.envelopeBytes(response);
          response.then(this.onEnvelope, this.onEnvelopeFailure);
          return null;
        }
      }
    } catch (error) {
      return this.internalError(frame.encoding, error);
    }
  }

  private envelopeBytes(response: ResponseEnvelope): Buffer {
    try {
      return encodeAsciiResponse(response);
    } catch (error) {
      return this.internalError(4, error);
    }
  }

  private legacyBytes(result: { body: unknown }): Buffer {
    try {
      return encodeAsciiResponse(result.body);
    } catch (error) {
      return this.internalError(1, error);
    }
  }

  // The reactions on the dispatcher's promises, made once per connection (not a closure per request).
  private readonly onEnvelope = (response: ResponseEnvelope): void => this.deliver(this.envelopeBytes(response));

  private readonly onFlatbuffers = (response: Uint8Array): void => {
    let bytes: Buffer;
    try {
      bytes = encodeResponse(response);
    } catch (error) {
      bytes = this.internalError(3, error);
    }
    this.deliver(bytes);
  };

  private readonly onLegacy = (result: { body: unknown }): void => this.deliver(this.legacyBytes(result));

  private readonly onEnvelopeFailure = (error: unknown): void => this.deliver(this.internalError(4, error));

  private readonly onFlatbuffersFailure = (error: unknown): void => this.deliver(this.internalError(3, error));

  private readonly onLegacyFailure = (error: unknown): void => this.deliver(this.internalError(1, error));

  private internalError(encoding: Encoding, error: unknown): Buffer {
    this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'ipc dispatcher failed');
    const internal = errorEnvelope(ErrorCode.exception, ErrorMessage.internal);
    // A flatbuffers client reads only flatbuffers: its error is an Envelope too, never JSON.
    if (encoding === 3) return encodeResponse(encodeFlatbuffersEnvelope(internal));
    if (encoding === 4) return encodeAsciiResponse(internal);
    return encodeAsciiResponse(LEGACY_INTERNAL);
  }

  private armFrameTimer(restart: boolean): void {
    if (this.frameTimer !== null) {
      if (restart) this.frameTimer.refresh();
      return;
    }
    this.frameTimer = setTimeout(() => {
      this.log.debug({ code: IpcErrorCode.ioTimeout }, 'ipc frame not complete within io_timeout; closing');
      this.destroy();
    }, this.options.ioTimeoutMs);
    this.frameTimer.unref();
  }

  private clearFrameTimer(): void {
    if (this.frameTimer !== null) {
      clearTimeout(this.frameTimer);
      this.frameTimer = null;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearFrameTimer();
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    this.work.length = 0;
    this.outgoing.length = 0;
    this.outgoingEventBytes = 0;
    this.queue.clear();
    this.inflight.close();
    this.options.events.releaseAll(this);
    this.options.dispatcher.closeSession(this);
  }
}

/** The log code and the answer's detail for a frame refused from its length prefix. */
function lengthRefusal(
  error: Exclude<FramingError, { kind: 'bad-preamble' }>,
  maxFrameBytes: number,
): { code: string; detail: string } {
  switch (error.kind) {
    case 'empty':
      return { code: IpcErrorCode.frameEmpty, detail: 'frame length is 0' };
    case 'too-large':
      return {
        code: IpcErrorCode.frameTooLarge,
        detail: `frame length ${error.length} exceeds max_frame_bytes (${maxFrameBytes})`,
      };
    case 'over-budget':
      return {
        code: IpcErrorCode.inflightBudgetExhausted,
        detail: `frame length ${error.length} does not fit in max_inflight_bytes now (the server's budget of request bytes in flight); retry later`,
      };
  }
}

function parseJson(payload: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
