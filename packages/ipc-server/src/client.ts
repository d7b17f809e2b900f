import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import {
  decodeFlatbuffersEnvelope,
  isRevocationEnvelope,
  REVOCATION_SUFFIX,
  type ResponseEnvelope,
} from '@nano-access/protocol';
import { ClientHandshake } from './access-check';
import { readAccessSecret } from './access-secret';
import { ByteQueue } from './byte-queue';
import { resolveIpcTarget, type IpcClientOptions, type IpcTarget } from './client-target';
import { IpcError, IpcErrorCode } from './errors';
import { encodeRequest, type Encoding } from './framing';

export type { IpcClientOptions, IpcTarget };

/** A request envelope as the client sends it (encoding 4). */
export interface RequestEnvelopeInput {
  message_type: string;
  message: unknown;
  credentials?: string;
  correlation_id?: string;
}

interface Pending {
  resolve(payload: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * A client of the node's IPC (this server or a real node). Requests may be
 * issued concurrently: they are written in call order on one connection and
 * answers are matched in order. After a drop (or a request timeout, which
 * desynchronises the stream and so closes the connection), the next call
 * reconnects.
 *
 * Events pushed by the server (EventConfirmation, EventServiceStop) are
 * emitted as 'event' and never taken for an answer (EventAck is an answer).
 */
export class IpcClient extends EventEmitter {
  readonly target: IpcTarget;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private pending: Pending[] = [];
  private readonly queue = new ByteQueue();
  private responseLength = -1;
  /** Set once an encoding 3/4 request was sent: only those can subscribe to events. */
  private mayReceiveEvents = false;
  /** Set once an encoding 3 request was sent: events may then come as flatbuffers Envelopes. */
  private mayReceiveFlatbuffersEvents = false;
  private closedByUser = false;

  constructor(options: IpcClientOptions = {}) {
    super();
    this.target = resolveIpcTarget(options);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** Whether a connection is open (a request now would not reconnect first). */
  get connected(): boolean {
    return this.socket !== null && !this.socket.destroyed;
  }

  /** Connects now (otherwise the first request does). Runs the access check when a secret is configured. */
  async connect(): Promise<void> {
    await this.ensureConnected();
  }

  /** One framed request; resolves with the response payload. */
  async request(encoding: Encoding, payload: Uint8Array): Promise<Buffer> {
    this.closedByUser = false;
    const socket = await this.ensureConnected();
    if (encoding === 3 || encoding === 4) this.mayReceiveEvents = true;
    if (encoding === 3) this.mayReceiveFlatbuffersEvents = true;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Answers are matched by order: once one is missing the stream cannot be trusted.
        this.drop(socket, new IpcError(IpcErrorCode.requestTimeout, `No IPC response within ${this.timeoutMs} ms.`));
      }, this.timeoutMs);
      this.pending.push({ resolve, reject, timer });
      socket.write(encodeRequest(encoding, payload));
    });
  }

  /** Encoding 4: an envelope in, the response envelope out. */
  async call(envelope: RequestEnvelopeInput): Promise<ResponseEnvelope> {
    const payload = await this.request(4, Buffer.from(JSON.stringify(envelope), 'utf8'));
    return parseJsonResponse(payload) as ResponseEnvelope;
  }

  /** Encoding 1 (or 2 with unsafe): a legacy request object, the legacy response object. */
  async legacy(request: Record<string, unknown>, options: { unsafe?: boolean } = {}): Promise<Record<string, unknown>> {
    const payload = await this.request(options.unsafe === true ? 2 : 1, Buffer.from(JSON.stringify(request), 'utf8'));
    return parseJsonResponse(payload) as Record<string, unknown>;
  }

  /** Closes the connection; pending requests reject with NA_IPC_CONNECTION_CLOSED. */
  async close(): Promise<void> {
    this.closedByUser = true;
    const socket = this.socket ?? (await this.connecting?.catch(() => null)) ?? null;
    if (socket === null) return;
    await new Promise<void>((resolve) => {
      if (socket.destroyed) {
        resolve();
        return;
      }
      socket.once('close', () => resolve());
      socket.end();
      // A server that never closes its side must not hold us.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  override on(event: 'event', listener: (envelope: ResponseEnvelope) => void): this;
  override on(event: 'error', listener: (error: Error) => void): this;
  /** The connection was lost or closed (by either side); the next request reconnects. */
  override on(event: 'disconnect', listener: () => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  private ensureConnected(): Promise<net.Socket> {
    if (this.socket !== null && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private open(): Promise<net.Socket> {
    const target = this.target;
    // Read the secret per connection: a secret file made too open later is refused then.
    const secret =
      target.transport === 'tcp' && target.accessFile !== null ? readAccessSecret(target.accessFile) : null;
    return new Promise<net.Socket>((resolve, reject) => {
      const socket =
        target.transport === 'local'
          ? net.createConnection(target.path)
          : net.createConnection({ host: target.host, port: target.port });
      const where = target.transport === 'local' ? target.path : `${target.host}:${target.port}`;
      let settled = false;
      const handshakeQueue = new ByteQueue();
      const handshake = secret === null ? null : new ClientHandshake(secret);
      const fail = (error: IpcError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const ready = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeListener('data', onHandshakeData);
        socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
        socket.on('end', () =>
          this.drop(
            socket,
            new IpcError(
              IpcErrorCode.connectionClosed,
              'The IPC server closed the connection before the response arrived.',
            ),
          ),
        );
        socket.on('close', () =>
          this.drop(
            socket,
            new IpcError(IpcErrorCode.connectionClosed, 'The IPC connection closed before the response arrived.'),
          ),
        );
        this.socket = socket;
        this.queue.clear();
        this.responseLength = -1;
        // Bytes after the server's proof are already responses.
        if (handshakeQueue.length > 0) this.onData(socket, handshakeQueue.take(handshakeQueue.length)!);
        resolve(socket);
      };
      const timer = setTimeout(
        () => fail(new IpcError(IpcErrorCode.connectFailed, `Timed out connecting to the IPC server at ${where}.`)),
        this.timeoutMs,
      );
      const onHandshakeData = (chunk: Buffer): void => {
        if (handshake === null) return;
        handshakeQueue.push(chunk);
        for (;;) {
          const step = handshake.step(handshakeQueue);
          if (step === null) return;
          if (step === 'fail') {
            fail(new IpcError(IpcErrorCode.accessDenied, `The IPC access check with ${where} failed.`));
            return;
          }
          if (step.send) socket.write(step.send);
          if (step.done) {
            ready();
            return;
          }
        }
      };
      socket.setNoDelay?.(true);
      socket.on('data', onHandshakeData);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        fail(
          new IpcError(
            IpcErrorCode.connectFailed,
            `Cannot reach the IPC server at ${where}: ${error.code ?? error.message}.`,
            { cause: error },
          ),
        );
      });
      socket.on('error', () => undefined);
      socket.once('close', () => {
        // Closed during the handshake: the server refused our proof, or has no access check.
        fail(
          handshake !== null
            ? new IpcError(
                IpcErrorCode.accessDenied,
                `The IPC server at ${where} closed the connection during the access check (wrong secret, or the server has no access check).`,
              )
            : new IpcError(IpcErrorCode.connectFailed, `The IPC server at ${where} closed the connection.`),
        );
      });
      socket.once('connect', () => {
        if (handshake === null) ready();
        else socket.write(handshake.start());
      });
    });
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.queue.push(chunk);
    for (;;) {
      if (this.responseLength < 0) {
        const lengthBytes = this.queue.take(4);
        if (lengthBytes === null) return;
        this.responseLength = lengthBytes.readUInt32BE(0);
        if (this.responseLength > this.maxResponseBytes) {
          this.drop(
            socket,
            new IpcError(
              IpcErrorCode.frameTooLarge,
              `IPC response of ${this.responseLength} bytes exceeds the client's limit (${this.maxResponseBytes}).`,
            ),
          );
          return;
        }
      }
      const payload = this.queue.take(this.responseLength);
      if (payload === null) return;
      this.responseLength = -1;
      const frame = Buffer.from(payload); // our own copy: the queue's blocks are shared
      const event = this.mayReceiveEvents ? asEvent(frame, this.mayReceiveFlatbuffersEvents) : null;
      if (event !== null) {
        this.emit('event', event);
        continue;
      }
      const pending = this.pending.shift();
      if (pending === undefined) {
        this.drop(socket, new IpcError(IpcErrorCode.badResponse, 'The IPC server sent a response nobody asked for.'));
        return;
      }
      clearTimeout(pending.timer);
      pending.resolve(frame);
    }
  }

  /** Forgets a connection: rejects everything pending on it; the next call reconnects. */
  private drop(socket: net.Socket, error: IpcError): void {
    socket.destroy();
    // A late close of an earlier connection: what is pending belongs to the current one.
    if (socket !== this.socket) return;
    this.socket = null;
    // After the pending requests are settled (below), so a listener sees a client with nothing in flight.
    queueMicrotask(() => this.emit('disconnect'));
    const pending = this.pending;
    this.pending = [];
    this.queue.clear();
    this.responseLength = -1;
    pending.forEach((p, index) => {
      clearTimeout(p.timer);
      // Only the first waiting request timed out; the others lost their connection.
      p.reject(
        index === 0 || error.code !== IpcErrorCode.requestTimeout
          ? error
          : new IpcError(
              IpcErrorCode.connectionClosed,
              'The IPC connection was closed after an earlier request timed out.',
            ),
      );
    });
    if (!this.closedByUser && error.code !== IpcErrorCode.connectionClosed && this.listenerCount('error') > 0)
      this.emit('error', error);
  }
}

const EVENT_MARKER = Buffer.from('"message_type":"Event', 'latin1');
const REVOCATION_MARKER = Buffer.from(`${REVOCATION_SUFFIX}"`, 'latin1');

/**
 * A pushed envelope, or null for an answer. Pushed are the events (message_type starting with
 * "Event", except EventAck, the answer to a subscription) and the Error envelope that tells a
 * subscriber a policy change revoked its subscription (isRevocationEnvelope).
 */
function asEvent(frame: Buffer, flatbuffers: boolean): ResponseEnvelope | null {
  if (frame[0] !== 0x7b) {
    // Not JSON: a flatbuffers Envelope (answer or event) when encoding 3 is in use.
    if (!flatbuffers) return null;
    const decoded = decodeFlatbuffersEnvelope(frame);
    return decoded.ok && isPushed(decoded.value) ? (decoded.value as unknown as ResponseEnvelope) : null;
  }
  if (frame.indexOf(EVENT_MARKER) < 0 && frame.indexOf(REVOCATION_MARKER) < 0) return null;
  try {
    const value = JSON.parse(frame.toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && isPushed(value)) return value as ResponseEnvelope;
  } catch {
    // Not JSON after all: an answer.
  }
  return null;
}

function isPushed(envelope: { message_type?: unknown; message?: unknown }): boolean {
  return isEventType(envelope.message_type) || isRevocationEnvelope(envelope);
}

function isEventType(messageType: unknown): boolean {
  return typeof messageType === 'string' && messageType.startsWith('Event') && messageType !== 'EventAck';
}

function parseJsonResponse(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw new IpcError(IpcErrorCode.badResponse, 'The IPC response is not JSON.', { cause: error });
  }
}
