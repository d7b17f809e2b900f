import { connect, type Socket } from 'node:net';
import { LINGER_MS } from '../src/http/lingering-close';
import { call, waitFor } from './helpers/http-client';
import { startInProcess, type RunningGateway } from './helpers/in-process';

/** A raw TCP connection to the gateway, recording what the server sends and when it closes. */
interface RawClient {
  socket: Socket;
  received: () => string;
  closed: () => boolean;
  /** Resolves when the server closed the connection (or it failed). */
  whenClosed: Promise<void>;
}

/** `allowHalfOpen`: the client's side stays open after the server's FIN, as an attacker's would. */
function openRaw(url: string, options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: options.allowHalfOpen ?? false });
    let text = '';
    let isClosed = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    const whenClosed = new Promise<void>((done) =>
      socket.once('close', () => {
        isClosed = true;
        done();
      }),
    );
    socket.once('connect', () => resolve({ socket, received: () => text, closed: () => isClosed, whenClosed }));
    socket.once('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function withinSeconds(promise: Promise<void>, seconds: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} not within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('headers_timeout', () => {
  let gw: RunningGateway;
  const open: Socket[] = [];
  beforeAll(async () => {
    gw = await startInProcess({ config: { headersTimeout: 1, requestTimeout: 30 } });
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.destroy();
  });
  afterAll(() => gw.close());

  it('closes a client that sends half its headers and stalls, not at once but within a few seconds', async () => {
    const client = await openRaw(gw.url);
    open.push(client.socket);
    client.socket.write('POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ');
    await sleep(300);
    expect(client.closed()).toBe(false);
    await withinSeconds(client.whenClosed, 8, 'close of a stalled client');
    const answer = client.received();
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a client dribbling a header byte at a time (the limit is total time, not idle time)', async () => {
    const client = await openRaw(gw.url);
    open.push(client.socket);
    client.socket.write('POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Dribble: ');
    const dribble = setInterval(() => {
      if (client.socket.writable) client.socket.write('a');
    }, 100);
    try {
      await sleep(300);
      expect(client.closed()).toBe(false);
      await withinSeconds(client.whenClosed, 8, 'close of a dribbling client');
    } finally {
      clearInterval(dribble);
    }
  });

  it('still serves a client that sends its request promptly', async () => {
    const answer = await call(gw.url, { path: '/api/v2/IsAlive', body: '{}' });
    expect(answer.status).toBe(200);
  });
});

describe('max_connections', () => {
  let gw: RunningGateway;
  const open: Socket[] = [];
  beforeAll(async () => {
    gw = await startInProcess({ config: { maxConnections: 3 } });
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    await gw.close();
  });

  it('closes connections over the limit without a byte, keeps serving the open ones, and counts the refusals', async () => {
    const held = await Promise.all([openRaw(gw.url), openRaw(gw.url), openRaw(gw.url)]);
    open.push(...held.map((c) => c.socket));
    await waitFor(
      () => gw.gateway.metricsText().includes('nano_access_gateway_connections_open 3'),
      10_000,
      'three accepted connections',
    );

    const extra = await openRaw(gw.url);
    open.push(extra.socket);
    await withinSeconds(extra.whenClosed, 5, 'close of the connection over max_connections');
    expect(extra.received()).toBe('');
    expect(gw.gateway.metricsText()).toContain('nano_access_gateway_connections_refused_total 1');

    // An existing connection still gets answers.
    const [first] = held;
    first.socket.write('POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}');
    await waitFor(
      () => first.received().includes('\r\n\r\n') && first.received().includes('}'),
      10_000,
      'an answer on a held connection',
    );
    expect(first.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(first.closed()).toBe(false);

    // Once one closes, a new connection is accepted again, and /metrics shows the refusal.
    held[1].socket.destroy();
    await waitFor(
      () => gw.gateway.metricsText().includes('nano_access_gateway_connections_open 2'),
      10_000,
      'a freed slot',
    );
    const metrics = await call(gw.url, { method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('nano_access_gateway_connections_refused_total 1');
  });
});

describe('a client that goes away mid-body', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess();
  });
  afterAll(() => gw.close());

  it.each([
    ['v2', '/api/v2/AccountWeight', 'api="v2",name="AccountWeight",outcome="aborted"} 1'],
    ['legacy', '/', 'api="legacy",name="_unknown",outcome="aborted"} 1'],
  ])('%s: is counted as aborted, answered nothing, and the gateway keeps serving', async (_api, path, series) => {
    const client = await openRaw(gw.url);
    client.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"acc`,
    );
    await sleep(50);
    client.socket.destroy();
    await waitFor(() => gw.gateway.metricsText().includes(series), 10_000, 'the aborted request in the metrics');
    expect(client.received()).toBe('');
    expect(gw.gateway.metricsText()).toContain('nano_access_gateway_requests_in_flight 0');
    const after = await call(gw.url, { method: 'GET', path: '/healthz' });
    expect(after.status).toBe(200);
  });
});

describe('max_request_bytes_in_flight: one budget for the bytes of every body being read', () => {
  // 100 KiB for all bodies together; one body may be 64 KiB.
  const budget = 100 * 1024;
  let gw: RunningGateway;
  const open: Socket[] = [];
  const inFlight = (): number =>
    Number(/^nano_access_gateway_body_bytes_in_flight (\d+)$/m.exec(gw.gateway.metricsText())?.[1] ?? NaN);
  const refusals = (): number =>
    Number(/^nano_access_gateway_body_budget_refusals_total (\d+)$/m.exec(gw.gateway.metricsText())?.[1] ?? NaN);
  beforeEach(async () => {
    gw = await startInProcess({ config: { maxRequestSize: 64 * 1024, maxRequestBytesInFlight: budget } });
  });
  afterEach(async () => {
    for (const socket of open.splice(0)) socket.destroy();
    await gw.close();
  });

  /** A connection that declares a 60,000-byte body and sends 50,000 of it, then stalls. */
  async function holdHalfBody(): Promise<RawClient> {
    const client = await openRaw(gw.url);
    open.push(client.socket);
    client.socket.write(
      `POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000\r\n\r\n{${' '.repeat(49_999)}`,
    );
    return client;
  }

  it('charges a half-sent body as its bytes arrive, and answers 503 at once, before any body byte, a declared length that would pass the budget', async () => {
    const holder = await holdHalfBody();
    await waitFor(() => inFlight() === 50_000, 10_000, '50,000 body bytes charged');

    const late = await openRaw(gw.url);
    open.push(late.socket);
    // 50,000 held + 60,000 declared > 102,400: refused without sending a body byte.
    late.socket.write(
      'POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000\r\nNano-Correlation-Id: late\r\n\r\n',
    );
    await withinSeconds(late.whenClosed, 10, 'the close of the refused connection');
    const answer = late.received();
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer.toLowerCase()).toContain('retry-after: 1');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      message_type: string;
      correlation_id: string;
      message: { code: number; message: string };
    };
    expect(body).toMatchObject({ message_type: 'Error', correlation_id: 'late', message: { code: 2 } });
    expect(body.message.message).toContain(`max_request_bytes_in_flight (${budget} bytes)`);
    expect(refusals()).toBe(1);

    // Meanwhile a request that fits is answered, on v2 and legacy.
    const small = await call(gw.url, { path: '/api/v2/IsAlive', body: '{}' });
    expect(small.status).toBe(200);
    const legacy = await call(gw.url, { path: '/', body: '{"action":"version"}' });
    expect(legacy.status).not.toBe(503);
    expect(holder.closed()).toBe(false);

    // The holder goes away: its bytes are given back, and the same body is accepted.
    holder.socket.destroy();
    await waitFor(() => inFlight() === 0, 10_000, 'the half body given back');
    const whole = await call(gw.url, { path: '/api/v2/IsAlive', body: `{${' '.repeat(59_998)}}` });
    expect(whole.status).toBe(200);
    expect(inFlight()).toBe(0);
    const metrics = await call(gw.url, { method: 'GET', path: '/metrics' });
    expect(metrics.text).toContain(`nano_access_gateway_body_bytes_limit ${budget}`);
    expect(metrics.text).toMatch(
      /nano_access_gateway_requests_total\{api="v2",name="IsAlive",outcome="over_budget"\} 1/,
    );
  });

  it('answers 503 and closes the connection of a chunked body that passes the budget mid-stream', async () => {
    await holdHalfBody();
    await waitFor(() => inFlight() === 50_000, 10_000, '50,000 body bytes charged');
    const chunked = await openRaw(gw.url);
    open.push(chunked.socket);
    chunked.socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    // 6 chunks of 10,000 bytes (under max_request_size in total); the budget is passed at the sixth.
    for (let i = 0; i < 6 && !chunked.closed(); i++) {
      chunked.socket.write(`2710\r\n${' '.repeat(10_000)}\r\n`);
      await sleep(20);
    }
    await withinSeconds(chunked.whenClosed, 10, 'the close of the over-budget chunked body');
    expect(chunked.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(chunked.received()).toContain('"code":"NA_GATEWAY_BODY_BUDGET_EXCEEDED"');
    expect(refusals()).toBe(1);
    await waitFor(() => inFlight() === 50_000, 10_000, 'the refused body given back');
  });

  it('lets a client that goes on sending after the refusal still read the 503 (a lingering close, not a reset)', async () => {
    await holdHalfBody();
    await waitFor(() => inFlight() === 50_000, 10_000, '50,000 body bytes charged');
    const sender = await openRaw(gw.url);
    open.push(sender.socket);
    // It reads nothing until it has sent its whole body: an answer sits in its receive buffer. Had
    // the server closed with the body's bytes unread, its later writes would meet a reset, and
    // Node's client drops the socket, unread answer and all, on the failed write.
    sender.socket.pause();
    let writeError: string | undefined;
    sender.socket.on('error', (error: NodeJS.ErrnoException) => (writeError ??= error.code));
    sender.socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let i = 0; i < 20 && !sender.closed(); i++) {
      sender.socket.write(`2710\r\n${' '.repeat(10_000)}\r\n`);
      await sleep(25);
    }
    expect(refusals()).toBe(1);
    sender.socket.resume();
    await withinSeconds(sender.whenClosed, 10, 'the close after the refusal');
    expect(writeError).toBeUndefined();
    expect(sender.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(sender.received()).toContain('"code":"NA_GATEWAY_BODY_BUDGET_EXCEEDED"');
    await waitFor(() => inFlight() === 50_000, 10_000, 'the refused body given back');
  });

  it('closes a refused connection whose client never stops sending nor closes, after the linger', async () => {
    await holdHalfBody();
    await waitFor(() => inFlight() === 50_000, 10_000, '50,000 body bytes charged');
    const sender = await openRaw(gw.url, { allowHalfOpen: true });
    open.push(sender.socket);
    sender.socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    const startedAt = Date.now();
    // Sends for up to 4 × LINGER_MS: the server must have closed the connection before.
    while (!sender.closed() && Date.now() - startedAt < 4 * LINGER_MS) {
      sender.socket.write(`2710\r\n${' '.repeat(10_000)}\r\n`);
      await sleep(25);
    }
    expect(sender.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(sender.closed()).toBe(true);
  });

  it('with Expect: 100-continue, invites a body that fits and refuses one that would not without inviting it', async () => {
    await holdHalfBody();
    await waitFor(() => inFlight() === 50_000, 10_000, '50,000 body bytes charged');
    const fits = await openRaw(gw.url);
    open.push(fits.socket);
    fits.socket.write(
      'POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n',
    );
    await waitFor(() => fits.received().includes('100 Continue'), 10_000, 'the invitation');
    fits.socket.write('{}');
    await waitFor(() => fits.received().includes('IsAlive'), 10_000, 'the answer');

    const refused = await openRaw(gw.url);
    open.push(refused.socket);
    refused.socket.write(
      'POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000\r\nExpect: 100-continue\r\n\r\n',
    );
    await withinSeconds(refused.whenClosed, 10, 'the close of the refused connection');
    expect(refused.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused.received()).not.toContain('100 Continue');
  });
});

describe('max_request_bytes_in_flight keeps a sixteenth for small bodies', () => {
  // 2 MiB budget, 1 MiB bodies: bodies over 64 KiB must leave 128 KiB free.
  let gw: RunningGateway;
  const open: Socket[] = [];
  beforeAll(async () => {
    gw = await startInProcess({ config: { maxRequestSize: 1024 * 1024, maxRequestBytesInFlight: 2 * 1024 * 1024 } });
  });
  afterAll(async () => {
    for (const socket of open.splice(0)) socket.destroy();
    await gw.close();
  });

  it('refuses a large body that would eat into the reserve, and still serves a small one', async () => {
    const holder = await openRaw(gw.url);
    open.push(holder.socket);
    holder.socket.write(
      `POST /api/v2/IsAlive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1048576\r\n\r\n{${' '.repeat(1000 * 1024 - 1)}`,
    );
    await waitFor(
      () => gw.gateway.metricsText().includes(`nano_access_gateway_body_bytes_in_flight ${1000 * 1024}`),
      10_000,
      'the half body charged',
    );

    // 1000 KiB held + 1000 KiB declared = 2000 KiB: under the 2048 KiB limit, over the 1920 KiB large bodies may use.
    const large = await call(gw.url, { path: '/api/v2/IsAlive', body: `{${' '.repeat(1000 * 1024 - 2)}}` });
    expect(large.status).toBe(503);
    // A small body may use the reserve.
    const small = await call(gw.url, { path: '/api/v2/IsAlive', body: `{${' '.repeat(40 * 1024)}}` });
    expect(small.status).toBe(200);
    expect(holder.closed()).toBe(false);
  });
});
