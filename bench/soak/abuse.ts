/**
 * Abusive clients: stalled half preambles, dribbled HTTP headers, a connection
 * flood past max_connections, and fuzzed frames and HTTP requests.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { encodeRequest } from '@nano-access/ipc-server';
import { keepAliveAgent, percentile } from './load';
import { sleep } from './server';

export interface IpcTarget {
  tcpPort: number;
  socketPath: string;
}

function connectIpc(target: IpcTarget, index: number): net.Socket {
  return index % 2 === 0
    ? net.connect({ host: '127.0.0.1', port: target.tcpPort })
    : net.connect({ path: target.socketPath });
}

export interface StallResult {
  opened: number;
  closedByServer: number;
  /** Seconds from the last byte sent to the server's close. */
  closeAfterP50: number;
  closeAfterMin: number;
  closeAfterMax: number;
  /** Still open when the harness gave up waiting. */
  stillOpen: number;
  /** Connections the server answered with a status line (HTTP 408…). */
  answered: number;
  connectErrors: number;
}

function summarise(
  opened: number,
  closes: number[],
  stillOpen: number,
  answered: number,
  connectErrors: number,
): StallResult {
  return {
    opened,
    closedByServer: closes.length,
    stillOpen,
    answered,
    connectErrors,
    closeAfterP50: percentile(closes, 50),
    closeAfterMin: closes.length ? Math.min(...closes) : NaN,
    closeAfterMax: closes.length ? Math.max(...closes) : NaN,
  };
}

/** Opens `count` IPC connections, sends half a preamble on each and stalls until the server closes them (or waitMs). */
export async function stalledPreambles(target: IpcTarget, count: number, waitMs: number): Promise<StallResult> {
  const sockets: net.Socket[] = [];
  const closes: number[] = [];
  let connectErrors = 0;
  let open = 0;
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((ready) => {
          const socket = connectIpc(target, i);
          sockets.push(socket);
          let sentAt = 0;
          socket.once('connect', () => {
            open += 1;
            socket.write(Buffer.from([0x4e, 0x04]), () => {
              sentAt = Date.now();
              ready();
            });
          });
          socket.on('error', () => undefined);
          socket.once('close', () => {
            if (sentAt === 0) {
              connectErrors += 1;
              ready();
            } else closes.push((Date.now() - sentAt) / 1000);
          });
        }),
    ),
  );
  const deadline = Date.now() + waitMs;
  while (closes.length + connectErrors < count && Date.now() < deadline) await sleep(50);
  const stillOpen = sockets.filter((s) => !s.destroyed && s.readyState !== 'closed').length;
  for (const socket of sockets) socket.destroy();
  return summarise(open, closes, stillOpen, 0, connectErrors);
}

/** Opens `count` HTTP connections that send a request line and then one header byte every dribbleMs. */
export async function dribbledHeaders(
  httpPort: number,
  count: number,
  waitMs: number,
  dribbleMs = 1000,
): Promise<StallResult> {
  const sockets: net.Socket[] = [];
  const closes: number[] = [];
  let answered = 0;
  let connectErrors = 0;
  let opened = 0;
  const started = new Map<net.Socket, number>();
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((ready) => {
          const socket = net.connect({ host: '127.0.0.1', port: httpPort });
          sockets.push(socket);
          socket.once('connect', () => {
            opened += 1;
            started.set(socket, Date.now());
            socket.write(`POST /api/v2/AccountWeight HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Dribble-${i}: `, () => ready());
          });
          socket.on('data', () => {
            answered += 1;
          });
          socket.on('error', () => undefined);
          socket.once('close', () => {
            const at = started.get(socket);
            if (at === undefined) {
              connectErrors += 1;
              ready();
            } else closes.push((Date.now() - at) / 1000);
          });
        }),
    ),
  );
  const dribble = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed && socket.writable) socket.write('a');
  }, dribbleMs);
  const deadline = Date.now() + waitMs;
  while (closes.length + connectErrors < count && Date.now() < deadline) await sleep(100);
  clearInterval(dribble);
  const stillOpen = sockets.filter((s) => !s.destroyed).length;
  for (const socket of sockets) socket.destroy();
  return summarise(opened, closes, stillOpen, answered, connectErrors);
}

export interface FloodResult {
  attempted: number;
  /** Still open after the settle time: accepted and kept (idle connections are kept, as the node does). */
  accepted: number;
  /** Closed by the server without a byte. */
  refused: number;
  /** Seconds from connect to the server's close, for refused connections. */
  refusedCloseMaxSeconds: number;
  connectErrors: number;
  /** A fresh connection after the flood could make a request. */
  recovered: boolean;
  /** Bytes the server sent on flood connections (a refusal is a close without a word, so 0). */
  bytesReceived: number;
}

/**
 * Opens `count` idle IPC connections at once, holds them for holdMs, then checks a fresh one works.
 * All on TCP: each transport has its own max_connections (phase 8a checks the other stays open).
 */
export async function connectionFlood(
  target: IpcTarget,
  count: number,
  holdMs: number,
  probe: () => Promise<boolean>,
): Promise<FloodResult> {
  const sockets: net.Socket[] = [];
  const refusedAfter: number[] = [];
  let connectErrors = 0;
  let bytes = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((ready) => {
          const socket = connectIpc(target, 0); // index 0: TCP
          sockets.push(socket);
          let connectedAt = 0;
          socket.once('connect', () => {
            connectedAt = Date.now();
            ready();
          });
          socket.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
          });
          socket.on('error', () => undefined);
          socket.once('close', () => {
            if (connectedAt === 0) {
              connectErrors += 1;
              ready();
            } else refusedAfter.push((Date.now() - connectedAt) / 1000);
          });
        }),
    ),
  );
  await sleep(holdMs);
  // Closes seen so far were the server's; the ones after this are the harness letting go.
  const refused = refusedAfter.length;
  const refusedCloseMaxSeconds = refused ? Math.max(...refusedAfter) : 0;
  const accepted = sockets.filter((s) => !s.destroyed).length;
  for (const socket of sockets) socket.destroy();
  await sleep(200);
  const recovered = await probe();
  return {
    attempted: count,
    accepted,
    refused,
    connectErrors,
    recovered,
    refusedCloseMaxSeconds,
    bytesReceived: bytes,
  };
}

// ---------------------------------------------------------------------------
// Fuzzing

export interface FuzzResult {
  cases: number;
  ipcFrames: number;
  httpRequests: number;
  rawHttp: number;
  /** Framing-intact IPC frames that got no answer on a connection that stayed well framed: must be 0. */
  ipcUnanswered: number;
  /** Framing-intact frames sent before a framing-breaking one that got no answer (the server closed the connection). */
  ipcUnansweredBeforeBrokenFrame: number;
  /** Complete HTTP requests that got no response. */
  httpUnanswered: number;
  /** HTTP 5xx answers (an exception inside the gateway). */
  http5xx: number;
  httpStatuses: Map<number, number>;
  /** Status lines answering raw byte strings (0: none). */
  rawStatuses: Map<number, number>;
  samples5xx: string[];
  /** Well-formed HTTP requests that got no response at all. */
  samplesNoAnswer: string[];
}

const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
const SEED_BODIES: unknown[] = [
  { action: 'account_weight', account: ACCOUNT },
  { action: 'account_balance', account: ACCOUNT },
  { action: 'block_count' },
  { action: 'account_info', account: ACCOUNT, representative: 'true' },
  { action: 'accounts_balances', accounts: [ACCOUNT, ACCOUNT] },
  { action: 'version' },
];
const SEED_ENVELOPES: unknown[] = [
  { message_type: 'AccountWeight', message: { account: ACCOUNT } },
  { message_type: 'IsAlive', message: {} },
  { message_type: 'TopicConfirmation', message: { options: { all_local_accounts: true } } },
  {
    message_type: 'AccountWeight',
    message: { account: ACCOUNT },
    correlation_id: 'c-1',
    credentials: 'soak-fuzz-unknown',
  },
];
const INTERESTING: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  -0,
  2 ** 53 + 1,
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e',
  'nano_',
  ACCOUNT.toUpperCase(),
  'x'.repeat(4096),
  [],
  {},
  [[[[[]]]]],
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  'IsAlive',
  'AccountWeight',
  'Error',
  'EventAck',
];
const KEYS = [
  'action',
  'account',
  'message_type',
  'message',
  'credentials',
  'correlation_id',
  '__proto__',
  'constructor',
  'options',
  'count',
  '',
];

type Random = () => number;

function int(random: Random, n: number): number {
  return Math.floor(random() * n);
}

function pickOf<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)];
}

/** A structural mutation of a JSON value (replace, delete, add, nest, retype). */
function mutateValue(random: Random, value: unknown, depth = 0): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.2) return pickOf(random, INTERESTING);
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length > 0 && roll < 0.6)
      copy[int(random, copy.length)] = mutateValue(random, copy[int(random, copy.length)], depth + 1);
    else copy.push(pickOf(random, INTERESTING));
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length > 0 && roll < 0.5) {
      const key = pickOf(random, keys);
      copy[key] = mutateValue(random, copy[key], depth + 1);
    } else if (keys.length > 0 && roll < 0.65) {
      delete copy[pickOf(random, keys)];
    } else if (roll < 0.8) {
      copy[pickOf(random, KEYS)] = pickOf(random, INTERESTING);
    } else {
      return { nested: copy, [pickOf(random, KEYS)]: copy };
    }
    return copy;
  }
  return pickOf(random, INTERESTING);
}

/** Byte-level mutation of a text: flips, deletions, insertions, truncation. */
function mutateBytes(random: Random, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const edits = 1 + int(random, 4);
  let result = out;
  for (let e = 0; e < edits; e += 1) {
    const roll = random();
    if (result.length === 0) return Buffer.from([int(random, 256)]);
    const at = int(random, result.length);
    if (roll < 0.4) result[at] ^= 1 << int(random, 8);
    else if (roll < 0.6) result = Buffer.concat([result.subarray(0, at), result.subarray(at + 1)]);
    else if (roll < 0.8)
      result = Buffer.concat([result.subarray(0, at), Buffer.from([int(random, 256)]), result.subarray(at)]);
    else result = result.subarray(0, at);
  }
  return result;
}

function randomBytes(random: Random, max: number): Buffer {
  const out = Buffer.allocUnsafe(int(random, max) + 1);
  for (let i = 0; i < out.length; i += 1) out[i] = int(random, 256);
  return out;
}

/** A fuzzed payload for a framing-intact IPC frame, and its encoding. */
function ipcPayload(random: Random): { encoding: 1 | 2 | 3 | 4; payload: Buffer } {
  const roll = random();
  if (roll < 0.1) return { encoding: 3, payload: randomBytes(random, 256) };
  const legacy = roll < 0.45;
  const seed = legacy ? pickOf(random, SEED_BODIES) : pickOf(random, SEED_ENVELOPES);
  const encoding = legacy ? (random() < 0.8 ? 1 : 2) : 4;
  const text = Buffer.from(JSON.stringify(mutateValue(random, seed)) ?? 'null');
  const payload = random() < 0.4 ? mutateBytes(random, text) : text;
  // A zero length breaks the framing (docs/wire.md): that case belongs to brokenFrame.
  return { encoding, payload: payload.length === 0 ? Buffer.from('{') : payload };
}

/** A frame that breaks the framing: bad preamble, reserved bytes, unknown encoding, zero or huge length, truncated. */
function brokenFrame(random: Random): Buffer {
  const frame = encodeRequest(1, Buffer.from(JSON.stringify(pickOf(random, SEED_BODIES))));
  switch (int(random, 6)) {
    case 0:
      frame[0] = int(random, 256) === 0x4e ? 0 : int(random, 256) || 1;
      return frame;
    case 1:
      frame[2 + int(random, 2)] = 1 + int(random, 255);
      return frame;
    case 2:
      frame[1] = pickOf(random, [0, 5, 6, 0x7f, 0xff]);
      return frame;
    case 3:
      frame.writeUInt32BE(0, 4);
      return frame.subarray(0, 8);
    case 4:
      frame.writeUInt32BE(pickOf(random, [0xffffffff, 0x7fffffff, 65537, 1 << 24]), 4);
      return frame;
    default:
      return randomBytes(random, 64);
  }
}

/** Sends a batch of frames on one connection and counts the answers of the framing-intact ones. */
function ipcBatch(
  target: IpcTarget,
  index: number,
  random: Random,
  size: number,
): Promise<{ frames: number; unanswered: number; broken: boolean }> {
  const intact = Array.from({ length: size }, () => ipcPayload(random));
  const broken = random() < 0.3 ? brokenFrame(random) : null;
  const frames = Buffer.concat([
    ...intact.map((f) => encodeRequest(f.encoding, f.payload)),
    ...(broken ? [broken] : []),
  ]);
  return new Promise((resolve) => {
    const socket = connectIpc(target, index);
    let received = Buffer.alloc(0);
    let answers = 0;
    let quiet: NodeJS.Timeout | null = null;
    const finish = (): void => {
      if (quiet) clearTimeout(quiet);
      socket.destroy();
      resolve({
        frames: intact.length + (broken ? 1 : 0),
        unanswered: Math.max(0, intact.length - answers),
        broken: broken !== null,
      });
    };
    const arm = (): void => {
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(finish, 1500);
    };
    socket.on('connect', () => {
      socket.write(frames);
      arm();
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 4) {
        const length = received.readUInt32BE(0);
        if (received.length < 4 + length) break;
        received = received.subarray(4 + length);
        answers += 1;
      }
      if (answers >= intact.length && broken === null) finish();
      else arm();
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
  });
}

const PATHS = [
  '/',
  '/api/v2',
  '/api/v2/',
  '/api/v2/AccountWeight',
  '/api/v2/IsAlive',
  '/api/v2/ServiceStop',
  '/api/v2/%00',
  '/api/v2/../metrics',
  '/metrics',
  '/healthz',
  '/api/v2/AccountWeight?x=1',
  '//',
  '/api/v3/x',
];
const METHODS = ['POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS', 'DELETE', 'HEAD', 'PATCH'];

/** One fuzzed HTTP request over a keep-alive agent; resolves with the status (0 = no answer). */
function httpCase(agent: http.Agent, port: number, random: Random): Promise<{ status: number; what?: string }> {
  const path = pickOf(random, PATHS);
  const seed =
    path === '/'
      ? pickOf(random, SEED_BODIES)
      : path === '/api/v2' || path === '/api/v2/'
        ? pickOf(random, SEED_ENVELOPES)
        : { account: ACCOUNT };
  let body: Buffer = Buffer.from(JSON.stringify(mutateValue(random, seed)) ?? '');
  if (random() < 0.4) body = mutateBytes(random, body);
  if (random() < 0.05) body = Buffer.from(`${'['.repeat(50 + int(random, 5000))}`);
  const headers: Record<string, string> = {
    'content-type': pickOf(random, ['application/json', 'text/plain', 'application/x-www-form-urlencoded', '']),
  };
  if (random() < 0.3)
    headers['nano-api-key'] = pickOf(random, ['', 'soak-fuzz-unknown', 'x'.repeat(2000), '%00', 'a b']);
  if (random() < 0.2) headers['nano-correlation-id'] = pickOf(random, ['', 'c'.repeat(5000), '\t', '{}']);
  const method = pickOf(random, METHODS);
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method, agent, headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (error) =>
          resolve({
            status: 0,
            what: `${method} ${path} ${JSON.stringify(headers).slice(0, 60)} body ${body.length} B: response ${error.message}`,
          }),
        );
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', (error) =>
      resolve({
        status: 0,
        what: `${method} ${path} ${JSON.stringify(headers).slice(0, 60)} body ${body.length} B ${JSON.stringify(body.subarray(0, 40).toString('latin1'))}: ${error.message}`,
      }),
    );
    req.end(body);
  });
}

/** One raw, possibly malformed HTTP request on its own connection. */
function rawHttpCase(port: number, random: Random): Promise<number> {
  const valid = Buffer.from(
    `POST /api/v2/AccountWeight HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 88\r\n\r\n{"account":"${ACCOUNT}"}`,
  );
  const request = random() < 0.3 ? randomBytes(random, 512) : mutateBytes(random, valid);
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let status = 0;
    const timer = setTimeout(() => socket.destroy(), 1500);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'));
      if (match && status === 0) status = Number(match[1]);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(status);
    });
  });
}

/** Runs `total` fuzz cases (about 60 % IPC frames, 40 % HTTP) with bounded concurrency. */
export async function fuzz(
  target: IpcTarget & { httpPort: number },
  total: number,
  random: Random,
  concurrency = 24,
): Promise<FuzzResult> {
  const result: FuzzResult = {
    cases: 0,
    ipcFrames: 0,
    httpRequests: 0,
    rawHttp: 0,
    ipcUnanswered: 0,
    ipcUnansweredBeforeBrokenFrame: 0,
    httpUnanswered: 0,
    http5xx: 0,
    httpStatuses: new Map(),
    rawStatuses: new Map(),
    samples5xx: [],
    samplesNoAnswer: [],
  };
  const agent = keepAliveAgent(concurrency);
  let connectionIndex = 0;
  const worker = async (): Promise<void> => {
    while (result.cases < total) {
      const roll = random();
      // Batches average ~16 frames: 9 % of draws make about 60 % of the cases IPC frames.
      if (roll < 0.09) {
        const size = Math.min(total - result.cases, 1 + int(random, 30));
        result.cases += size;
        const batch = await ipcBatch(target, connectionIndex++, random, size);
        result.cases += batch.frames - size;
        result.ipcFrames += batch.frames;
        if (batch.broken) result.ipcUnansweredBeforeBrokenFrame += batch.unanswered;
        else result.ipcUnanswered += batch.unanswered;
        continue;
      }
      result.cases += 1;
      let status: number;
      if (roll < 0.95) {
        result.httpRequests += 1;
        const answer = await httpCase(agent, target.httpPort, random);
        status = answer.status;
        if (answer.status === 0) result.httpUnanswered += 1;
        if (answer.what !== undefined && result.samplesNoAnswer.length < 5) result.samplesNoAnswer.push(answer.what);
      } else {
        result.rawHttp += 1;
        const raw = await rawHttpCase(target.httpPort, random);
        // No status line: bytes that never made a complete request (the harness hangs up after 1.5 s).
        result.rawStatuses.set(raw, (result.rawStatuses.get(raw) ?? 0) + 1);
        continue;
      }
      result.httpStatuses.set(status, (result.httpStatuses.get(status) ?? 0) + 1);
      if (status >= 500) result.http5xx += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return result;
}
