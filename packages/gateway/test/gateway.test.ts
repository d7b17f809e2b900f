import { request } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createGateway } from '@nano-access/gateway';
import { call, postJson } from './helpers/http-client';
import { USERS } from './helpers/fixtures';
import { ledgerRepresentative, startInProcess, testConfig, type RunningGateway } from './helpers/in-process';

const rep = ledgerRepresentative();

describe('the gateway (in process, over real HTTP)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess({ config: { maxRequestSize: 4096, maxJsonDepth: 8 } });
  });
  afterAll(() => gw.close());

  describe('POST /api/v2/<MessageName>', () => {
    it('answers a bare message with a response envelope', async () => {
      const answer = await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.json).toMatchObject({
        message_type: 'AccountWeightResponse',
        message: { voting_weight: rep.weight },
      });
      expect(typeof (answer.json as { time: unknown }).time).toBe('number');
    });

    it('treats an empty body as an empty message (IsAlive)', async () => {
      const answer = await call(gw.url, { path: '/api/v2/IsAlive' });
      expect(answer.status).toBe(200);
      expect((answer.json as { message_type: string }).message_type).not.toBe('Error');
    });

    it('treats a body of whitespace only as an empty message, and a body that is not JSON as malformed', async () => {
      for (const body of [' ', '\r\n\t ']) {
        const answer = await call(gw.url, { path: '/api/v2/IsAlive', body });
        expect((answer.json as { message_type: string }).message_type).toBe('IsAlive');
      }
      for (const body of ['x', ' x', '"']) {
        const answer = await call(gw.url, { path: '/api/v2/IsAlive', body });
        expect(answer.status).toBe(400);
      }
    });

    it('takes credentials from the Nano-Api-Key header', async () => {
      const denied = await postJson(
        gw.url,
        '/api/v2/AccountWeight',
        { account: rep.account },
        { 'Nano-Api-Key': USERS.walletReader },
      );
      expect(denied.status).toBe(200);
      expect(denied.json).toMatchObject({ message_type: 'Error', message: { code: 3, message: 'Access denied' } });
      const unknownKey = await postJson(
        gw.url,
        '/api/v2/AccountWeight',
        { account: rep.account },
        { 'Nano-Api-Key': 'no-such-user' },
      );
      expect(unknownKey.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
    });

    it('answers an unknown message type with an Error envelope, HTTP 200', async () => {
      const answer = await postJson(gw.url, '/api/v2/NoSuchMessage', {});
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ message_type: 'Error', message: { code: 1 } });
    });

    it('answers a schema violation with an Error envelope naming the problem', async () => {
      const answer = await postJson(gw.url, '/api/v2/AccountWeight', { acount: rep.account });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ message_type: 'Error', message: { code: 1 } });
      expect((answer.json as { message: { message: string } }).message.message).toMatch(/^Invalid message format/);
    });
  });

  describe('POST /api/v2 (envelope)', () => {
    it('answers an envelope', async () => {
      const answer = await postJson(gw.url, '/api/v2', {
        message_type: 'AccountWeight',
        message: { account: rep.account },
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        message_type: 'AccountWeightResponse',
        message: { voting_weight: rep.weight },
      });
    });

    it('takes credentials from the envelope, over the header', async () => {
      const envelope = {
        credentials: USERS.walletReader,
        message_type: 'AccountWeight',
        message: { account: rep.account },
      };
      const fromEnvelope = await postJson(gw.url, '/api/v2', envelope);
      expect(fromEnvelope.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
      const envelopeWins = await postJson(gw.url, '/api/v2', envelope, { 'Nano-Api-Key': USERS.accounts });
      expect(envelopeWins.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
    });

    it('falls back to the header when the envelope has no credentials', async () => {
      const answer = await postJson(
        gw.url,
        '/api/v2',
        { message_type: 'AccountWeight', message: { account: rep.account } },
        { 'Nano-Api-Key': USERS.walletReader },
      );
      expect(answer.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
    });

    it('answers an envelope without message_type with an Error envelope', async () => {
      const answer = await postJson(gw.url, '/api/v2', { message: {} });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ message_type: 'Error', message: { code: 1 } });
    });
  });

  describe('Nano-Correlation-Id', () => {
    it('is echoed as correlation_id, quotes and non-ASCII intact', async () => {
      const id = 'req "42" \\ \u65e5\u672c \u00e9';
      const headerValue = Buffer.from(id, 'utf8').toString('latin1');
      const bare = await postJson(
        gw.url,
        '/api/v2/AccountWeight',
        { account: rep.account },
        { 'Nano-Correlation-Id': headerValue },
      );
      expect(bare.json).toMatchObject({ correlation_id: id, message_type: 'AccountWeightResponse' });
      const enveloped = await postJson(
        gw.url,
        '/api/v2',
        { message_type: 'Nope', message: {} },
        { 'Nano-Correlation-Id': headerValue },
      );
      expect(enveloped.json).toMatchObject({ correlation_id: id, message_type: 'Error' });
    });

    it('cannot inject JSON through the header', async () => {
      const id = '","message_type":"AccountWeightResponse","x":"';
      const answer = await postJson(gw.url, '/api/v2/NoSuchMessage', {}, { 'Nano-Correlation-Id': id });
      expect(answer.json).toMatchObject({ correlation_id: id, message_type: 'Error' });
    });

    it("prefers the envelope's own correlation_id", async () => {
      const answer = await postJson(
        gw.url,
        '/api/v2',
        { correlation_id: 'from-envelope', message_type: 'AccountWeight', message: { account: rep.account } },
        { 'Nano-Correlation-Id': 'from-header' },
      );
      expect((answer.json as { correlation_id: string }).correlation_id).toBe('from-envelope');
    });

    it('is echoed on a malformed request too', async () => {
      const answer = await call(gw.url, {
        path: '/api/v2/AccountWeight',
        body: '{"account":',
        headers: { 'Nano-Correlation-Id': 'c-1' },
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ message_type: 'Error', correlation_id: 'c-1', message: { code: 1 } });
    });
  });

  describe('transport errors', () => {
    it('answers 405 with a JSON error for other methods', async () => {
      for (const [method, path] of [
        ['GET', '/'],
        ['PUT', '/api/v2'],
        ['DELETE', '/api/v2/AccountWeight'],
        ['POST', '/healthz'],
      ]) {
        const answer = await call(gw.url, { method, path });
        expect([method, path, answer.status]).toEqual([method, path, 405]);
        expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(answer.json).toMatchObject({ error: 'Method not allowed', code: 'NA_GATEWAY_METHOD_NOT_ALLOWED' });
        expect(answer.headers.allow).toBeDefined();
      }
    });

    it('routes /api/v2 and /api/v2/ to the envelope, and a name after them to that message', async () => {
      const envelope = { message_type: 'AccountWeight', message: { account: rep.account } };
      for (const path of ['/api/v2', '/api/v2/']) {
        const answer = await postJson(gw.url, path, envelope);
        expect([path, (answer.json as { message_type: string }).message_type]).toEqual([path, 'AccountWeightResponse']);
      }
      const bare = await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account });
      expect(bare.json).toMatchObject({ message_type: 'AccountWeightResponse' });
      // Near misses of a request type's name are other (unknown) messages, not it.
      for (const name of ['AccountWeigh', 'AccountWeightx', 'accountWeight', 'BccountWeight']) {
        const answer = await postJson(gw.url, `/api/v2/${name}`, { account: rep.account });
        expect([name, answer.status, (answer.json as { message_type: string }).message_type]).toEqual([
          name,
          200,
          'Error',
        ]);
      }
    });

    it('answers 404 with a JSON error for an unknown path', async () => {
      for (const path of ['/api/v3', '/api/v2/Account/Weight', '/nope', '/api/v2/%41ccountWeight']) {
        const answer = await call(gw.url, { path, body: '{}' });
        expect([path, answer.status]).toEqual([path, 404]);
        expect(answer.json).toMatchObject({ code: 'NA_GATEWAY_NOT_FOUND' });
      }
    });

    it('answers 413 for an announced body over max_request_size without reading it', async () => {
      const answer = await call(gw.url, {
        path: '/api/v2/AccountWeight',
        headers: { 'content-length': String(1 << 30) },
        body: '{}',
      }).catch((error: Error) => error);
      // The client may see the 413 or, having announced 1 GiB, a reset once the server closes.
      if (answer instanceof Error) expect(answer.message).toMatch(/ECONNRESET|EPIPE|socket hang up/);
      else {
        expect(answer.status).toBe(413);
        expect(answer.json).toMatchObject({ message_type: 'Error', message: { code: 1 } });
        expect(answer.headers.connection).toBe('close');
      }
    });

    it('answers 413 to Expect: 100-continue with an oversize Content-Length, without inviting the body', async () => {
      const answer = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = request(`${gw.url}/api/v2/AccountWeight`, {
          method: 'POST',
          agent: false,
          headers: { expect: '100-continue', 'content-length': '100000', 'content-type': 'application/json' },
        });
        req.on('continue', () => (continued = true));
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, continued });
        });
        req.on('error', reject);
        req.flushHeaders();
      });
      expect(answer).toEqual({ status: 413, continued: false });
    });

    it('invites the body of an Expect: 100-continue request within the limit', async () => {
      const body = JSON.stringify({ account: rep.account });
      const answer = await call(gw.url, { path: '/api/v2/AccountWeight', body, headers: { expect: '100-continue' } });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ message_type: 'AccountWeightResponse' });
    });

    it('answers 413 for a streamed body that grows over max_request_size', async () => {
      const body = JSON.stringify({ action: 'block_count', padding: 'x'.repeat(5000) });
      const answer = await call(gw.url, { path: '/', body, headers: { 'transfer-encoding': 'chunked' } });
      expect(answer.status).toBe(413);
      expect(answer.json).toMatchObject({ code: 'NA_GATEWAY_BODY_TOO_LARGE' });
    });

    it('answers 400 for JSON nested deeper than max_json_depth, brackets in strings not counted', async () => {
      const deep = await call(gw.url, {
        path: '/api/v2/AccountWeight',
        body: `{"account":${'['.repeat(8)}${']'.repeat(8)}}`,
      });
      expect(deep.status).toBe(400);
      expect(deep.json).toMatchObject({ message_type: 'Error', message: { code: 1 } });
      expect((deep.json as { message: { message: string } }).message.message).toContain('max_json_depth');
      const legacyDeep = await call(gw.url, {
        path: '/',
        body: `{"action":"block_count","x":${'{"a":'.repeat(9)}1${'}'.repeat(9)}}`,
      });
      expect(legacyDeep.status).toBe(400);
      expect(legacyDeep.json).toMatchObject({ code: 'NA_GATEWAY_JSON_TOO_DEEP' });
      const inString = await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account }, {});
      expect(inString.status).toBe(200);
      const bracketsInString = await call(gw.url, {
        path: '/',
        body: JSON.stringify({ action: 'nope', note: '[[[[[[[[[[[[[[[[[[' }),
      });
      expect(bracketsInString.status).toBe(200);
    });

    it('answers 400 with an error body for malformed JSON', async () => {
      const v2 = await call(gw.url, { path: '/api/v2', body: '{"message_type": ' });
      expect(v2.status).toBe(400);
      expect(v2.json).toMatchObject({ message_type: 'Error', message: { code: 1 } });
      const legacy = await call(gw.url, { path: '/', body: 'not json' });
      expect(legacy.status).toBe(400);
      expect(legacy.json).toMatchObject({ code: 'NA_GATEWAY_JSON_MALFORMED' });
    });
  });

  describe('CORS', () => {
    it('answers a preflight allowing Nano-Api-Key and Nano-Correlation-Id', async () => {
      const answer = await call(gw.url, {
        method: 'OPTIONS',
        path: '/api/v2/AccountWeight',
        headers: {
          origin: 'https://wallet.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'nano-api-key',
        },
      });
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      const allowed = (answer.headers['access-control-allow-headers'] as string).toLowerCase();
      expect(allowed).toContain('nano-api-key');
      expect(allowed).toContain('nano-correlation-id');
      expect(answer.headers['access-control-allow-methods']).toContain('POST');
    });

    it('lets a browser read responses', async () => {
      const answer = await postJson(
        gw.url,
        '/api/v2/AccountWeight',
        { account: rep.account },
        { origin: 'https://wallet.example' },
      );
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    });
  });

  describe('GET /healthz and GET /metrics', () => {
    it("reports health, with the active policy's hash (first 16 hex digits of its sha256) and generation", async () => {
      const answer = await call(gw.url, { method: 'GET', path: '/healthz' });
      expect(answer.status).toBe(200);
      const hash = gw.store.status().hash!.slice(0, 16);
      expect(answer.json).toEqual({ status: 'ok', policy: { hash, generation: gw.store.generation } });
      // The same label as the metric, so the two can be compared.
      const metrics = await call(gw.url, { method: 'GET', path: '/metrics' });
      expect(metrics.text).toContain(`nano_access_policy_info{hash="${hash}"} 1\n`);
    });

    it('serves Prometheus text to loopback: requests by message and outcome, denials, latency, the store', async () => {
      await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account });
      await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account }, { 'Nano-Api-Key': USERS.walletReader });
      await postJson(gw.url, '/', { action: 'block_count' });
      await postJson(gw.url, '/api/v2/SomethingMadeUp', {});
      const answer = await call(gw.url, { method: 'GET', path: '/metrics' });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = answer.text;
      expect(text).toMatch(/nano_access_gateway_requests_total\{api="v2",name="AccountWeight",outcome="ok"\} [1-9]/);
      expect(text).toMatch(
        /nano_access_gateway_requests_total\{api="v2",name="AccountWeight",outcome="denied"\} [1-9]/,
      );
      expect(text).toMatch(
        /nano_access_gateway_requests_total\{api="legacy",name="block_count",outcome="denied"\} [1-9]/,
      );
      expect(text).toMatch(/nano_access_gateway_denials_total\{api="legacy",name="block_count"\} [1-9]/);
      expect(text).toMatch(/nano_access_gateway_request_duration_seconds_bucket\{api="v2",le="\+Inf"\} [1-9]/);
      // Made-up names never become label values.
      expect(text).not.toContain('SomethingMadeUp');
      expect(text).toMatch(/name="_unknown"/);
      // The store's metrics are appended.
      expect(text).toMatch(/^nano_access_(reload|policy)_\w+/m);
    });

    it('sends no CORS header on /metrics and /healthz, and refuses /metrics to a request with an Origin', async () => {
      const metrics = await call(gw.url, { method: 'GET', path: '/metrics' });
      expect(metrics.status).toBe(200);
      expect(metrics.headers['access-control-allow-origin']).toBeUndefined();
      expect(metrics.headers['x-content-type-options']).toBe('nosniff');

      // What a web page's fetch() sends through the browser of an allowed machine.
      const fromPage = await call(gw.url, {
        method: 'GET',
        path: '/metrics',
        headers: { origin: 'http://evil.example' },
      });
      expect(fromPage.status).toBe(403);
      expect(fromPage.json).toMatchObject({ code: 'NA_GATEWAY_METRICS_FORBIDDEN' });
      expect(fromPage.text).not.toContain('nano_access');
      expect(fromPage.headers['access-control-allow-origin']).toBeUndefined();
      const nullOrigin = await call(gw.url, { method: 'GET', path: '/metrics', headers: { origin: 'null' } });
      expect(nullOrigin.status).toBe(403);

      const health = await call(gw.url, {
        method: 'GET',
        path: '/healthz',
        headers: { origin: 'http://evil.example' },
      });
      expect(health.status).toBe(200);
      expect(health.headers['access-control-allow-origin']).toBeUndefined();

      // No preflight either: a browser cannot get permission to ask.
      for (const path of ['/metrics', '/healthz']) {
        const preflight = await call(gw.url, {
          method: 'OPTIONS',
          path,
          headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
        });
        expect([path, preflight.status]).toEqual([path, 405]);
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
        expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
      }
    });

    it('refuses /metrics from an address outside the allow list', async () => {
      const restricted = await startInProcess({ config: { metrics: { allow: ['10.11.12.13'], allowedHosts: [] } } });
      try {
        const answer = await call(restricted.url, { method: 'GET', path: '/metrics' });
        expect(answer.status).toBe(403);
        expect(answer.json).toMatchObject({ code: 'NA_GATEWAY_METRICS_FORBIDDEN' });
        expect(answer.text).not.toContain('nano_access');
      } finally {
        await restricted.close();
      }
    });
  });
});

describe('request logging ([logging] log_rpc)', () => {
  it('logs each request with its outcome and never the API key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const gw = await startInProcess({ config: { logging: { logRpc: true } }, logger });
    try {
      await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account }, { 'Nano-Api-Key': USERS.accounts });
      await postJson(
        gw.url,
        '/',
        { action: 'account_balance', account: rep.account },
        { 'Nano-Api-Key': USERS.walletReader },
      );
      await postJson(gw.url, '/api/v2', {
        credentials: USERS.ops,
        message_type: 'AccountWeight',
        message: { account: rep.account },
      });
    } finally {
      await gw.close();
    }
    const rpc = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'rpc');
    expect(rpc.map((l) => [l.api, l.call, l.outcome, l.status])).toEqual([
      ['v2', 'AccountWeight', 'ok', 200],
      // A legacy denial is HTTP 200, as the node answers errors; the outcome still says denied.
      ['legacy', 'account_balance', 'denied', 200],
      ['v2', 'AccountWeight', 'denied', 200],
    ]);
    const all = lines.join('\n');
    for (const key of [USERS.accounts, USERS.walletReader, USERS.ops]) expect(all).not.toContain(key);
  });

  it('logs nothing per request when log_rpc is off', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const gw = await startInProcess({ logger: pino({ level: 'info' }, sink) });
    try {
      await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account });
    } finally {
      await gw.close();
    }
    expect(lines.join('')).not.toContain('"msg":"rpc"');
  });
});

describe('close()', () => {
  it('lets a request in flight finish its answer, then stops accepting', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const dispatcher = {
      handleEnvelope: async () => ({ time: Date.now(), message_type: 'Success', message: {} }),
      handleMessage: async () => {
        arrived();
        await held;
        return { time: Date.now(), message_type: 'Success', message: {} };
      },
      handleLegacy: async () => ({ outcome: 'ok' as const, body: {} }),
    };
    const policy = { check: () => true, messagePermission: () => null, action: () => undefined };
    const gateway = createGateway({
      dispatcher,
      store: { current: policy },
      config: testConfig(),
      closeGraceMs: 10_000,
    });
    const { url } = await gateway.listen();
    const answer = postJson(url, '/api/v2/IsAlive', {});
    await inFlight;
    const closed = gateway.close();
    release();
    expect((await answer).json).toMatchObject({ message_type: 'Success' });
    await closed;
    await expect(postJson(url, '/api/v2/IsAlive', {})).rejects.toThrow(/ECONNREFUSED/);
    expect(gateway.address()).toBeNull();
  });
});
