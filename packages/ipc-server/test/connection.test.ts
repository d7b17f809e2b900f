import * as net from 'node:net';
import fc from 'fast-check';
import { encodeRequest } from '../src/framing';
import type { IpcServers } from '../src/server';
import {
  collectGarbage,
  EchoDispatcher,
  frame,
  liveBytesAfterGc,
  RawPeer,
  startTestServers,
  tcpPort,
  waitFor,
} from './helpers';

/** A hostile byte stream: pure noise, or valid frames with corrupted bytes, split into random chunks. */
const streamArbitrary = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }),
  fc
    .tuple(
      fc.array(
        fc.record({
          encoding: fc.constantFrom<1 | 2 | 3 | 4>(1, 2, 3, 4),
          payload: fc.uint8Array({ minLength: 1, maxLength: 120 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 3 }),
    )
    .map(([frames, flips]) => {
      const bytes = Buffer.concat(frames.map((f) => encodeRequest(f.encoding, f.payload)));
      for (const flip of flips) bytes[flip.at % bytes.length] = flip.value;
      return new Uint8Array(bytes);
    }),
  fc.integer({ min: 0, max: 0xffffffff }).map((length) => {
    const head = Buffer.from([0x4e, 4, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(length, 4);
    return new Uint8Array(head);
  }),
);

describe('connections under hostile input', () => {
  let servers: IpcServers;
  let stop: () => Promise<void>;
  const dispatcher = new EchoDispatcher({ remember: false });

  beforeAll(async () => {
    ({ servers, stop } = await startTestServers(dispatcher, (c) => {
      c.ipc.maxFrameBytes = 64 * 1024;
      c.ipc.tcp.ioTimeout = 1;
    }));
  });
  afterAll(() => stop());

  function send(port: number, bytes: Uint8Array, cuts: number[]): Promise<void> {
    return new Promise((resolve) => {
      const socket = net.createConnection({ port, host: '127.0.0.1' });
      socket.on('error', () => undefined);
      socket.resume();
      socket.once('close', () => resolve());
      socket.once('connect', () => {
        let offset = 0;
        let i = 0;
        while (offset < bytes.length) {
          const n = cuts[i++ % cuts.length];
          socket.write(bytes.subarray(offset, offset + n));
          offset += n;
        }
        socket.end();
      });
    });
  }

  it('survives 10,000 random byte streams, with bounded memory, and still answers', async () => {
    const port = tcpPort(servers);
    const samples = fc.sample(
      fc.tuple(streamArbitrary, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 })),
      { seed: 20261125, numRuns: 10_000 },
    );
    const concurrency = 32;
    let next = 0;
    const sendUpTo = (end: number): Promise<void[]> =>
      Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < end) {
            const [bytes, cuts] = samples[next++];
            await send(port, bytes, cuts);
          }
        }),
      );
    // The first 3,000 warm up what is allocated once (compiled code, pools); the leak is measured over the rest.
    await sendUpTo(3_000);
    await waitFor(() => servers.connectionCount() === 0, 20_000, 'the warm-up connections to be closed');
    const liveBefore = await liveBytesAfterGc();
    await sendUpTo(samples.length);
    expect(next).toBe(10_000);
    await waitFor(() => servers.connectionCount() === 0, 20_000, 'every hostile connection to be closed');
    // Every connection closed must be collectable: the server keeps nothing of it (its socket,
    // buffers and session all hang off the connection, which is the session).
    await collectGarbage();
    expect(dispatcher.closedWeakly.length).toBe(10_000);
    expect(dispatcher.closedWeakly.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    // And the heap as a whole, for anything kept outside a connection (a cache keyed by input, say):
    // 7,000 streams of up to 200 bytes; jest and V8 keep 3-7 MiB of their own after the warm-up.
    expect((await liveBytesAfterGc()) - liveBefore).toBeLessThan(16 * 1024 * 1024);
    const peer = await RawPeer.connect({ port });
    peer.write(frame(1, '{"action":"still alive"}'));
    expect((await peer.nextJson()).request).toEqual({ action: 'still alive' });
    peer.destroy();
  }, 180_000);

  it('answers every request of a client that pipelines 3,000 before reading any answer', async () => {
    const port = tcpPort(servers);
    const socket = net.createConnection({ port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause(); // do not read answers
    const request = frame(1, JSON.stringify({ action: 'x', pad: 'y'.repeat(2000) }));
    const total = 3000;
    for (let i = 0; i < total; i++) socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    let answers = 0;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        pending = pending.subarray(4 + pending.readUInt32BE(0));
        answers += 1;
      }
    });
    socket.resume();
    await waitFor(() => answers === total, 60_000, 'every pipelined answer');
    socket.destroy();
  }, 90_000);
});
