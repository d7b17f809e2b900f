import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Dispatcher, NodeRpcBackend, createNodeRpcBackend, type Backend } from '@nano-access/protocol';
import { READER, fixedSource, fixtureRepresentative } from '../../helpers';

/**
 * A stand-in for a Nano node's RPC server (a real node cannot run in tests):
 * a real node:http server that speaks the node's RPC JSON for a few actions
 * and records what it received.
 */
function standInNode(behaviour: 'normal' | 'http-500' | 'not-json' | 'stall' = 'normal') {
  const received: Record<string, unknown>[] = [];
  const rep = fixtureRepresentative();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      received.push(body);
      if (behaviour === 'stall') return; // never answers
      if (behaviour === 'http-500') {
        res.writeHead(500).end('oops');
        return;
      }
      if (behaviour === 'not-json') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('<html>');
        return;
      }
      let answer: Record<string, unknown>;
      switch (body.action) {
        case 'account_weight':
          answer = body.account === rep.account ? { weight: rep.weight } : { error: 'Bad account number' };
          break;
        case 'version':
          answer = { rpc_version: '1', node_vendor: 'Nano V27.1' };
          break;
        case 'telemetry':
          answer = { block_count: '5', peer_count: '3', unicode: 'é' };
          break;
        default:
          answer = { error: 'Unknown command' };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  return {
    received,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('node-rpc backend against a stand-in node', () => {
  let node: ReturnType<typeof standInNode>;
  let backend: Backend;
  let dispatcher: Dispatcher;

  beforeEach(async () => {
    node = standInNode();
    backend = createNodeRpcBackend({ url: await node.listen(), timeoutMs: 5000 });
    dispatcher = new Dispatcher({ policy: fixedSource(), backend });
  });
  afterEach(async () => {
    await backend.close();
    await node.close();
  });

  it('forwards legacy actions unchanged and returns the node body', async () => {
    const request = { action: 'telemetry', raw: 'true' };
    const res = await dispatcher.handleLegacy(request, { unsafeAllowed: false, authorize: false });
    expect(res).toEqual({ outcome: 'ok', body: { block_count: '5', peer_count: '3', unicode: 'é' } });
    expect(node.received).toEqual([request]);
  });

  it('translates AccountWeight to account_weight and back', async () => {
    const rep = fixtureRepresentative();
    const res = await dispatcher.handleEnvelope(
      { message_type: 'AccountWeight', message: { account: rep.account } },
      { transport: 'http' },
    );
    expect(res).toMatchObject({ message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } });
    expect(node.received).toEqual([{ action: 'account_weight', account: rep.account }]);
  });

  it('checks permissions before anything reaches the node', async () => {
    const rep = fixtureRepresentative();
    const res = await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'AccountWeight', message: { account: rep.account } },
      { transport: 'http' },
    );
    expect(res.message).toEqual({ code: 3, message: 'Access denied' });
    const legacy = await dispatcher.handleLegacy({ action: 'stop' }, { unsafeAllowed: false, authorize: false });
    expect(legacy.outcome).toBe('unsafe');
    expect(node.received).toEqual([]);
  });

  it('answers IsAlive by asking the node for its version', async () => {
    const res = await dispatcher.handleEnvelope({ message_type: 'IsAlive', message: {} }, { transport: 'ipc' });
    expect(res.message_type).toBe('IsAlive');
    expect(node.received).toEqual([{ action: 'version' }]);
  });
});

describe('node-rpc backend when the upstream fails', () => {
  it('answers a clear error when the node is down (legacy and v2 code 2)', async () => {
    const node = standInNode();
    const url = await node.listen();
    await node.close(); // nothing listens on the port any more
    const backend = createNodeRpcBackend({ url, timeoutMs: 5000 });
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend });
    const legacy = await dispatcher.handleLegacy({ action: 'version' }, { unsafeAllowed: false, authorize: false });
    expect(legacy).toEqual({ outcome: 'error', body: { error: 'Upstream node unavailable: ECONNREFUSED' } });
    const v2 = await dispatcher.handleEnvelope(
      { message_type: 'AccountWeight', message: { account: fixtureRepresentative().account } },
      { transport: 'ipc' },
    );
    expect(v2.message).toEqual({ code: 2, message: 'Upstream node unavailable: ECONNREFUSED' });
    await backend.close();
  });

  it.each([
    ['http-500', 'Upstream node unavailable: HTTP 500'],
    ['not-json', 'Upstream node unavailable: response is not JSON'],
  ] as const)('reports an upstream %s', async (behaviour, message) => {
    const node = standInNode(behaviour);
    const backend = createNodeRpcBackend({ url: await node.listen() });
    expect(await backend.legacy({ action: 'version' })).toEqual({ error: message });
    await backend.close();
    await node.close();
  });

  it('times out a node that does not answer', async () => {
    const node = standInNode('stall');
    const backend = createNodeRpcBackend({ url: await node.listen(), timeoutMs: 300 });
    expect(await backend.legacy({ action: 'version' })).toEqual({
      error: 'Upstream node unavailable: no complete answer within 300 ms',
    });
    await backend.close();
    await node.close();
  });

  it('refuses a URL that is not http(s) with NA_PROTOCOL_BAD_OPTION', () => {
    expect(() => createNodeRpcBackend({ url: 'ftp://x' })).toThrow(
      expect.objectContaining({ code: 'NA_PROTOCOL_BAD_OPTION' }),
    );
    expect(() => createNodeRpcBackend({ url: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'NA_PROTOCOL_BAD_OPTION' }),
    );
  });
});

/**
 * A stand-in node whose answers the test steers: `trickle` answers 200 with a JSON prefix and
 * then one more body byte every 0.3 s, never finishing; `hold` sends 600 body bytes and waits
 * for release(); `chunked` sends 600 bytes of a complete object without a Content-Length;
 * `declared` announces a 2,000-byte body. Any other action: a small JSON answer.
 */
function steeredNode() {
  const closedMidAnswer: string[] = [];
  const received: string[] = [];
  const releases: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();
  const pad = (n: number): string => 'x'.repeat(n);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { action?: unknown }).action);
      received.push(action);
      res.on('close', () => {
        if (!res.writableFinished) closedMidAnswer.push(action);
      });
      switch (action) {
        case 'trickle': {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"pad":"');
          const timer = setInterval(() => res.write('x'), 300);
          timers.add(timer);
          res.on('close', () => clearInterval(timer));
          return;
        }
        case 'hold': {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(`{"pad":"${pad(592)}`); // 600 bytes
          releases.push(() => res.end('"}'));
          return;
        }
        case 'chunked':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"pad":"${pad(590)}"}`); // 600 bytes, chunked
          return;
        case 'declared':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2000 });
          res.end(`{"pad":"${pad(1990)}"}`);
          return;
        default:
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":"1"}');
      }
    });
  });
  return {
    received,
    closedMidAnswer,
    release: () => releases.splice(0).forEach((r) => r()),
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('node-rpc timeout: one deadline per request, from the call to the last body byte', () => {
  let node: ReturnType<typeof steeredNode>;
  let backend: NodeRpcBackend;
  beforeEach(async () => {
    node = steeredNode();
  });
  afterEach(async () => {
    await backend.close();
    await node.close();
  });

  it('destroys a request whose node answers 200 and then trickles a byte every 0.3 s', async () => {
    backend = new NodeRpcBackend({ url: await node.listen(), timeoutMs: 1000 });
    // A byte every 0.3 s never leaves the socket idle for 1 s: only a deadline ends this.
    expect(await backend.legacy({ action: 'trickle' })).toEqual({
      error: 'Upstream node unavailable: no complete answer within 1000 ms',
    });
    await waitUntil(() => node.closedMidAnswer.includes('trickle'), 'the stand-in to see its connection closed');
    expect(backend.metricsText()).toContain('nano_access_node_rpc_timeouts_total 1');
  });

  it('counts the wait for a free socket: a request queued behind a trickling one ends at its deadline too', async () => {
    backend = new NodeRpcBackend({ url: await node.listen(), timeoutMs: 1000, maxSockets: 1 });
    const first = backend.legacy({ action: 'trickle' });
    await waitUntil(() => node.received.length === 1, 'the first request at the stand-in');
    // The one socket is taken: this request waits in the agent's queue, where no socket timer runs.
    const queued = backend.legacy({ action: 'trickle' });
    const timedOut = { error: 'Upstream node unavailable: no complete answer within 1000 ms' };
    expect(await first).toEqual(timedOut);
    expect(await queued).toEqual(timedOut);
    // The agent is usable afterwards: a prompt answer still comes through its one socket.
    expect(await backend.legacy({ action: 'version' })).toEqual({ ok: '1' });
  });
});

describe('node-rpc max_response_bytes_in_flight: node answers share one budget', () => {
  let node: ReturnType<typeof steeredNode>;
  let backend: NodeRpcBackend;
  /** What the backend logged. */
  let logged: Array<Record<string, unknown>>;
  const refused = {
    error:
      'Upstream answer refused: node answers being received exceed max_response_bytes_in_flight (1000 bytes); retry later',
  };
  beforeEach(async () => {
    node = steeredNode();
    logged = [];
    backend = new NodeRpcBackend({
      url: await node.listen(),
      timeoutMs: 10_000,
      maxResponseBytesInFlight: 1000,
      logger: pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    });
  });
  afterEach(async () => {
    await backend.close();
    await node.close();
  });

  it('refuses an answer whose bytes would pass the budget while another answer holds it, and serves it once that one is done', async () => {
    const held = backend.legacy({ action: 'hold' });
    await waitUntil(
      () => backend.metricsText().includes('nano_access_node_rpc_response_bytes_in_flight 600'),
      '600 bytes held',
    );
    // 600 held + 600 arriving > 1000: refused as its bytes arrive (no Content-Length to refuse it earlier).
    expect(await backend.legacy({ action: 'chunked' })).toEqual(refused);
    node.release();
    expect(await held).toEqual({ pad: 'x'.repeat(592) });
    expect(await backend.legacy({ action: 'chunked' })).toEqual({ pad: 'x'.repeat(590) });
    const metrics = backend.metricsText();
    expect(metrics).toContain('nano_access_node_rpc_response_bytes_in_flight 0');
    expect(metrics).toContain('nano_access_node_rpc_response_budget_refusals_total 1');
    expect(metrics).toContain('nano_access_node_rpc_response_bytes_limit 1000');
  });

  it('refuses at once an answer whose Content-Length passes the budget, without holding its bytes', async () => {
    expect(await backend.legacy({ action: 'declared' })).toEqual(refused);
    // One warn line for the first refusal; the next within the minute is counted, not logged.
    expect(await backend.legacy({ action: 'declared' })).toEqual(refused);
    expect(logged.filter((line) => line.code === 'NA_PROTOCOL_UPSTREAM_BUDGET_EXCEEDED')).toEqual([
      expect.objectContaining({ level: 40, refused: 1, maxResponseBytesInFlight: 1000 }),
    ]);
    const metrics = backend.metricsText();
    expect(metrics).toContain('nano_access_node_rpc_response_bytes_in_flight 0');
    expect(metrics).toContain('nano_access_node_rpc_response_budget_refusals_total 2');
    // The next answer that fits is served, and the dispatcher's /metrics text carries the backend's.
    expect(await backend.legacy({ action: 'version' })).toEqual({ ok: '1' });
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend });
    expect(dispatcher.metricsText()).toContain('nano_access_node_rpc_response_budget_refusals_total 2');
    dispatcher.close();
  });

  it('refuses an option that is not a positive integer', () => {
    expect(() => new NodeRpcBackend({ url: 'http://127.0.0.1:1', maxResponseBytesInFlight: 0 })).toThrow(
      expect.objectContaining({ code: 'NA_PROTOCOL_BAD_OPTION' }),
    );
  });
});
