import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dispatcher, createNodeRpcBackend, type Backend } from '@nano-access/protocol';
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
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
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
    const res = await dispatcher.handleEnvelope({ message_type: 'AccountWeight', message: { account: rep.account } }, { transport: 'http' });
    expect(res).toMatchObject({ message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } });
    expect(node.received).toEqual([{ action: 'account_weight', account: rep.account }]);
  });

  it('checks permissions before anything reaches the node', async () => {
    const rep = fixtureRepresentative();
    const res = await dispatcher.handleEnvelope({ credentials: READER, message_type: 'AccountWeight', message: { account: rep.account } }, { transport: 'http' });
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
    const v2 = await dispatcher.handleEnvelope({ message_type: 'AccountWeight', message: { account: fixtureRepresentative().account } }, { transport: 'ipc' });
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
    expect(await backend.legacy({ action: 'version' })).toEqual({ error: 'Upstream node unavailable: no answer within 300 ms' });
    await backend.close();
    await node.close();
  });

  it('refuses a URL that is not http(s) with NA_PROTOCOL_BAD_OPTION', () => {
    expect(() => createNodeRpcBackend({ url: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'NA_PROTOCOL_BAD_OPTION' }));
    expect(() => createNodeRpcBackend({ url: 'not a url' })).toThrow(expect.objectContaining({ code: 'NA_PROTOCOL_BAD_OPTION' }));
  });
});
