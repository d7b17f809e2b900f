import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { LegacyContext, RequestContext } from '@nano-access/protocol';
import type { RpcConfig } from '@nano-access/gateway';
import { call, postJson, type HttpCall } from './helpers/http-client';
import { ledgerRepresentative, startInProcess, type RunningGateway } from './helpers/in-process';
import { upgradeStatus } from './helpers/ws-client';

const rep = ledgerRepresentative();
const weight = { action: 'account_weight', account: rep.account };

/** Loopback addresses stand in for clients: Linux routes all of 127.0.0.0/8 to lo. */
function postFrom(gw: RunningGateway, localAddress: string, headers: Record<string, string> = {}) {
  return call(gw.url, {
    path: '/',
    body: JSON.stringify(weight),
    localAddress,
    headers: { 'content-type': 'application/json', ...headers },
  } satisfies HttpCall);
}

function clientAddresses(overrides: Partial<RpcConfig['clientAddresses']>): Partial<RpcConfig> {
  return { clientAddresses: { allow: [], deny: [], trustProxy: [], ...overrides } };
}

/** Sends raw bytes from `localAddress`; resolves with what came back once the server closed the connection. */
function rawExchange(
  url: string,
  localAddress: string,
  bytes: string,
  opened: Socket[] = [],
): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: hostname, port: Number(port), localAddress });
    opened.push(socket);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, 10_000);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close while we still write: that is the point.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.write(bytes);
  });
}

describe('[client_addresses] allow and deny lists (real sockets, clients bound across 127.0.0.0/8)', () => {
  let gw: RunningGateway;
  afterEach(async () => {
    await gw?.close();
  });

  it('serves allowed addresses and answers 403 NA_GATEWAY_ADDRESS_DENIED to the others; deny wins over allow', async () => {
    gw = await startInProcess({
      config: clientAddresses({ allow: ['127.0.0.0/24', '127.0.1.7'], deny: ['127.0.0.66', '127.0.0.128/25'] }),
    });
    for (const [address, status] of [
      ['127.0.0.2', 200],
      ['127.0.1.7', 200],
      ['127.0.0.66', 403],
      ['127.0.0.200', 403],
      ['127.0.1.8', 403],
      ['127.9.9.9', 403],
    ] as const) {
      const answer = await postFrom(gw, address);
      expect([address, answer.status]).toEqual([address, status]);
      if (status === 403) {
        expect(answer.json).toEqual({
          error: 'Forbidden: this client address is not served',
          code: 'NA_GATEWAY_ADDRESS_DENIED',
        });
        expect(answer.headers.connection).toBe('close');
      } else {
        expect(answer.json).toMatchObject({ weight: rep.weight });
      }
    }
    // The refusals are counted, and nothing a client sent is a label.
    const metrics = await call(gw.url, { method: 'GET', path: '/metrics', localAddress: '127.0.0.3' });
    expect(metrics.text).toContain(
      'nano_access_gateway_requests_total{api="http",name="address",outcome="address_denied"} 4',
    );
  });

  it('answers a denied address 403 and closes before reading a 50 MB body', async () => {
    // A body limit above 50 MB, so that only the address refuses it.
    gw = await startInProcess({
      config: {
        ...clientAddresses({ deny: ['127.0.0.66'] }),
        maxRequestSize: 64 * 1024 * 1024,
        maxRequestBytesInFlight: 128 * 1024 * 1024,
      },
    });
    const head =
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n{"action"';
    const denied = await rawExchange(gw.url, '127.0.0.66', head);
    expect(denied.closed).toBe(true);
    expect(denied.text).toMatch(/^HTTP\/1\.1 403 /);
    expect(denied.text).toContain('NA_GATEWAY_ADDRESS_DENIED');
    // The same headers from an allowed address wait for the body (the server holds the connection).
    const opened: Socket[] = [];
    const allowed = await Promise.race([
      rawExchange(gw.url, '127.0.0.2', head, opened),
      new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 1000)),
    ]);
    opened.forEach((socket) => socket.destroy());
    expect(allowed).toBe('waiting');
  });

  it('refuses a WebSocket upgrade from a denied address with 403, before the handshake', async () => {
    gw = await startInProcess({ config: clientAddresses({ deny: ['127.0.0.66'] }) });
    const wsUrl = `${gw.url.replace(/^http/, 'ws')}/api/v2/ws`;
    const status = (localAddress: string): Promise<number> => upgradeStatus(wsUrl, { localAddress });
    expect(await status('127.0.0.66')).toBe(403);
    expect(await status('127.0.0.2')).toBe(101);
    const metrics = await call(gw.url, { method: 'GET', path: '/metrics' });
    expect(metrics.text).toContain('nano_access_gateway_ws_refused_total{reason="address"} 1');
  });
});

describe('trust_proxy: the client behind a listed proxy', () => {
  let gw: RunningGateway;
  afterEach(async () => {
    await gw?.close();
  });

  it('takes X-Forwarded-For only from a trusted peer, walking it from the right', async () => {
    gw = await startInProcess({
      config: clientAddresses({ deny: ['198.51.100.0/24'], trustProxy: ['127.0.0.1', '127.0.0.10'] }),
    });
    const from = (peer: string, xff: string) => postFrom(gw, peer, { 'x-forwarded-for': xff });
    // A trusted proxy says who its client is.
    expect((await from('127.0.0.1', '198.51.100.7')).status).toBe(403);
    expect((await from('127.0.0.1', '203.0.113.5')).status).toBe(200);
    // Through two trusted proxies; the client's own claim on the left is not believed.
    expect((await from('127.0.0.1', '198.51.100.7, 203.0.113.5, 127.0.0.10')).status).toBe(200);
    expect((await from('127.0.0.1', '203.0.113.5, 198.51.100.7, 127.0.0.10')).status).toBe(403);
    // A peer that is not a trusted proxy cannot pick an address, either way.
    expect((await from('127.0.0.2', '198.51.100.7')).status).toBe(200);
  });

  it('keeps the peer address when a trusted proxy sends a header it cannot read (fail closed)', async () => {
    gw = await startInProcess({ config: clientAddresses({ deny: ['127.0.0.1'], trustProxy: ['127.0.0.1'] }) });
    const from = (xff: string) => postFrom(gw, '127.0.0.1', { 'x-forwarded-for': xff });
    expect((await from('203.0.113.5')).status).toBe(200);
    for (const malformed of ['unknown', '203.0.113.5:443', '203.0.113.5,', 'a, b']) {
      expect([malformed, (await from(malformed)).status]).toEqual([malformed, 403]);
    }
  });

  it('is the address /metrics, log_rpc and the dispatcher see', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    gw = await startInProcess({
      config: { ...clientAddresses({ trustProxy: ['127.0.0.1'] }), logging: { logRpc: true } },
      logger: pino({ level: 'info' }, sink),
    });
    const seen: Array<string | undefined> = [];
    const dispatcher = gw.dispatcher;
    const legacy = dispatcher.handleLegacy.bind(dispatcher);
    const message = dispatcher.handleMessage.bind(dispatcher);
    dispatcher.handleLegacy = (request: unknown, ctx: LegacyContext) => {
      seen.push(ctx.clientAddress);
      return legacy(request, ctx);
    };
    dispatcher.handleMessage = (type: string, body: unknown, ctx: RequestContext) => {
      seen.push(ctx.clientAddress);
      return message(type, body, ctx);
    };
    expect((await postFrom(gw, '127.0.0.1', { 'x-forwarded-for': '2001:DB8::0:7' })).status).toBe(200);
    const v2 = await postJson(gw.url, '/api/v2/IsAlive', {}, { 'x-forwarded-for': '203.0.113.5' });
    expect(v2.status).toBe(200);
    expect(seen).toEqual(['2001:db8::7', '203.0.113.5']);
    // Scraping through a proxy on the same machine is scraping from where the proxy's client is.
    const viaProxy = await call(gw.url, {
      method: 'GET',
      path: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.5' },
    });
    expect(viaProxy.status).toBe(403);
    expect(viaProxy.json).toMatchObject({ code: 'NA_GATEWAY_METRICS_FORBIDDEN' });
    expect((await call(gw.url, { method: 'GET', path: '/metrics' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const rpc = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'rpc');
    expect(rpc.slice(0, 2).map((line) => [line.remote, line.peer])).toEqual([
      ['2001:db8::7', '127.0.0.1'],
      ['203.0.113.5', '127.0.0.1'],
    ]);
  });
});

describe('/metrics and /healthz against DNS rebinding (Host header)', () => {
  let gw: RunningGateway;
  afterEach(async () => {
    await gw?.close();
  });

  it('answers IP literals, localhost and [metrics] allowed_hosts, and refuses other names with 403', async () => {
    gw = await startInProcess({
      config: { metrics: { allow: ['127.0.0.0/8', '::1'], allowedHosts: ['node.example.net'] } },
    });
    const port = new URL(gw.url).port;
    const get = (path: string, host: string) => call(gw.url, { method: 'GET', path, headers: { host } });
    for (const path of ['/metrics', '/healthz']) {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'node.example.net', '[::1]']) {
        expect([path, host, (await get(path, host)).status]).toEqual([path, host, 200]);
      }
      for (const host of [`evil.example:${port}`, 'rebind.127.0.0.1.nip.io', 'node.example.net.evil']) {
        const answer = await get(path, host);
        expect([path, host, answer.status]).toEqual([path, host, 403]);
        expect(answer.json).toMatchObject({ code: 'NA_GATEWAY_HOST_NOT_ALLOWED' });
        expect(answer.text).not.toContain('nano_access');
        expect(answer.text).not.toContain('generation');
      }
    }
    // The API itself is not affected: it is meant for any host name.
    const api = await call(gw.url, { path: '/api/v2/IsAlive', headers: { host: 'wallet.example' } });
    expect(api.status).toBe(200);
  });
});
