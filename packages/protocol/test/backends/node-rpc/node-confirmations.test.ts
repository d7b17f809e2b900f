import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  Dispatcher,
  NodeConfirmationFeed,
  NodeRpcBackend,
  confirmationFromNode,
  validateResponseEnvelope,
} from '@nano-access/protocol';
import { READER, RecordingSession, fixedSource, ledgerData } from '../../helpers';

/** A confirmation as a node's WebSocket sends it, built from a real block of the fixture ledger. */
function nodeConfirmation(): { topic: string; time: string; message: Record<string, unknown> } {
  const send = ledgerData().blocks.find((b) => b.subtype === 'send')!;
  return {
    topic: 'confirmation',
    time: '1764115200000',
    message: {
      account: send.contents.account,
      amount: '1000000000000000000000000',
      hash: send.hash,
      confirmation_type: 'active_quorum',
      election_info: {
        duration: '546',
        time: '1764115199000',
        tally: '80000000000000000000000000000000000000',
        final: '80000000000000000000000000000000000000',
        blocks: '1',
        voters: '37',
        request_count: '2',
      },
      block: { ...send.contents, type: 'state', subtype: 'send' },
    },
  };
}

/**
 * A stand-in for a node's WebSocket server (`[node.websocket]`, a real node cannot run in
 * tests): a real ws server that acknowledges subscriptions and lets the test push messages.
 */
async function standInWebSocket(port = 0) {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const subscriptions: unknown[] = [];
  const clients = new Set<WebSocket>();
  server.on('connection', (socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    socket.on('message', (data) => {
      const request = JSON.parse((data as Buffer).toString()) as { action?: string; ack?: boolean };
      subscriptions.push(request);
      if (request.action === 'subscribe' && request.ack)
        socket.send(JSON.stringify({ ack: 'subscribe', time: '1764115200000' }));
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    port: (server.address() as AddressInfo).port,
    subscriptions,
    pushToAll: (message: unknown) => {
      for (const client of clients) client.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    clientCount: () => clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('confirmationFromNode', () => {
  it('turns a node WebSocket confirmation into a ConfirmedBlock', () => {
    const { message } = nodeConfirmation();
    const block = message.block as Record<string, string>;
    expect(confirmationFromNode(message)).toEqual({
      account: message.account,
      amount: '1000000000000000000000000',
      hash: message.hash,
      confirmationType: 'active_quorum',
      block: {
        hash: message.hash,
        account: block.account,
        previous: block.previous,
        representative: block.representative,
        balance: block.balance,
        link: block.link,
        link_as_account: block.link_as_account,
        signature: block.signature,
        work: block.work,
        subtype: 'send',
      },
      electionInfo: {
        duration: 546,
        time: 1764115199000,
        tally: '80000000000000000000000000000000000000',
        request_count: 2,
        block_count: 1,
        voter_count: 37,
      },
    });
  });

  it.each([
    ['no block', (m: Record<string, unknown>) => delete m.block],
    ['a legacy block type', (m: Record<string, unknown>) => ((m.block as Record<string, unknown>).type = 'send')],
    ['a bad account', (m: Record<string, unknown>) => (m.account = 'nano_1111')],
    ['an unknown confirmation type', (m: Record<string, unknown>) => (m.confirmation_type = 'maybe')],
    ['a negative amount', (m: Record<string, unknown>) => (m.amount = '-5')],
    ['a short signature', (m: Record<string, unknown>) => ((m.block as Record<string, unknown>).signature = 'AB')],
    ['an unknown subtype', (m: Record<string, unknown>) => ((m.block as Record<string, unknown>).subtype = 'steal')],
    ['a hash with markup', (m: Record<string, unknown>) => (m.hash = '<script>'.padEnd(64, 'A'))],
  ])('drops a message with %s', (_what, spoil) => {
    const { message } = nodeConfirmation();
    spoil(message);
    expect(confirmationFromNode(message)).toBeNull();
  });

  it('keeps the confirmation but leaves out election info that is malformed', () => {
    const { message } = nodeConfirmation();
    message.election_info = { duration: 'soon' };
    const confirmed = confirmationFromNode(message);
    expect(confirmed).not.toBeNull();
    expect(confirmed!.electionInfo).toBeUndefined();
  });
});

describe('NodeConfirmationFeed against a stand-in node WebSocket', () => {
  let node: Awaited<ReturnType<typeof standInWebSocket>>;
  let feed: NodeConfirmationFeed | undefined;

  afterEach(async () => {
    await feed?.close();
    feed = undefined;
    await node.close();
  });

  it('subscribes with blocks and election info, relays confirmations and drops the rest', async () => {
    node = await standInWebSocket();
    const relayed: unknown[] = [];
    feed = new NodeConfirmationFeed({ url: node.url, onConfirmation: (block) => relayed.push(block) });
    feed.start();
    await waitFor(() => feed!.status().subscribed, 'the subscription ack');
    expect(node.subscriptions).toEqual([
      {
        action: 'subscribe',
        topic: 'confirmation',
        ack: true,
        options: { include_block: 'true', include_election_info: 'true' },
      },
    ]);
    node.pushToAll(nodeConfirmation());
    node.pushToAll('not json');
    node.pushToAll({ topic: 'confirmation', message: { account: 'x' } });
    node.pushToAll({ topic: 'telemetry', message: {} }); // another topic: ignored, not counted as dropped
    node.pushToAll(nodeConfirmation());
    await waitFor(() => feed!.status().relayed === 2, 'two relayed confirmations');
    await waitFor(() => feed!.status().dropped === 2, 'two dropped messages');
    expect(relayed).toHaveLength(2);
    expect(relayed[0]).toMatchObject({ hash: nodeConfirmation().message.hash, confirmationType: 'active_quorum' });
  });

  it('reconnects and subscribes again after the node restarts', async () => {
    node = await standInWebSocket();
    const port = node.port;
    const relayed: unknown[] = [];
    feed = new NodeConfirmationFeed({
      url: node.url,
      onConfirmation: (block) => relayed.push(block),
      minReconnectDelayMs: 20,
      maxReconnectDelayMs: 100,
    });
    feed.start();
    await waitFor(() => feed!.status().subscribed, 'the first subscription');
    await node.close();
    await waitFor(() => !feed!.status().connected, 'the feed to see the node go');
    node = await standInWebSocket(port);
    await waitFor(() => feed!.status().subscribed, 'the subscription after the restart');
    expect(feed.status().reconnects).toBeGreaterThanOrEqual(1);
    node.pushToAll(nodeConfirmation());
    await waitFor(() => relayed.length === 1, 'a confirmation after the restart');
  });

  it('refuses a URL that is not ws: or wss:', () => {
    node = { close: async () => undefined } as typeof node;
    expect(() => new NodeConfirmationFeed({ url: 'http://127.0.0.1:7078', onConfirmation: () => undefined })).toThrow(
      /must be ws: or wss:/,
    );
    expect(() => new NodeConfirmationFeed({ url: 'not a url', onConfirmation: () => undefined })).toThrow(
      /not a WebSocket URL/,
    );
  });
});

describe('node-rpc backend with websocketUrl', () => {
  it('pushes the node confirmations to TopicConfirmation subscribers as EventConfirmation', async () => {
    const node = await standInWebSocket();
    const rpc = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    await new Promise<void>((resolve) => rpc.listen(0, '127.0.0.1', () => resolve()));
    const backend = new NodeRpcBackend({
      url: `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`,
      websocketUrl: node.url,
    });
    try {
      const dispatcher = new Dispatcher({ policy: fixedSource(), backend });
      const session = new RecordingSession('ws-sub');
      const ack = await dispatcher.handleEnvelope(
        { credentials: READER, correlation_id: 'c1', message_type: 'TopicConfirmation', message: {} },
        { transport: 'ipc', session },
      );
      expect(ack).toMatchObject({ message_type: 'EventAck' });
      await waitFor(() => backend.confirmationFeed()?.subscribed === true, 'the backend feed to subscribe');
      node.pushToAll(nodeConfirmation());
      await waitFor(() => session.pushed.length === 1, 'the pushed event');
      const event = session.pushed[0];
      expect(event).toMatchObject({
        message_type: 'EventConfirmation',
        correlation_id: 'c1',
        message: {
          hash: nodeConfirmation().message.hash,
          confirmation_type: 'active_quorum',
          block_type: 'BlockState',
        },
      });
      expect(validateResponseEnvelope(event)).toEqual({ ok: true, value: event.message });
    } finally {
      await backend.close();
      await node.close();
      await new Promise<void>((resolve) => rpc.close(() => resolve()));
    }
    expect(backend.confirmationFeed()?.connected).toBe(false);
  });

  it('publishes nothing without websocketUrl', () => {
    const backend = new NodeRpcBackend({ url: 'http://127.0.0.1:1' });
    expect(backend.confirmationFeed()).toBeNull();
    return backend.close();
  });
});
