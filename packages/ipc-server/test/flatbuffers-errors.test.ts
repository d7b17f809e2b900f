import { decodeFlatbuffersEnvelope, encodeFlatbuffersEnvelope, ErrorCode, ErrorMessage } from '@nano-access/protocol';
import type { IpcServers } from '../src/server';
import { EchoDispatcher, frame, RawPeer, startTestServers, tcpPort } from './helpers';

/** A dispatcher whose flatbuffers path fails: its promise rejects, or the call throws before any promise. */
class FailingFlatbuffers extends EchoDispatcher {
  mode: 'reject' | 'throw' = 'reject';
  override handleFlatbuffers(): Promise<Uint8Array> {
    if (this.mode === 'throw') throw new Error('dispatcher bug (synchronous)');
    return Promise.reject(new Error('dispatcher bug (rejected)'));
  }
}

describe('a dispatcher failure inside an encoding-3 request', () => {
  let servers: IpcServers;
  let stop: () => Promise<void>;
  const dispatcher = new FailingFlatbuffers();

  beforeAll(async () => ({ servers, stop } = await startTestServers(dispatcher)));
  afterAll(() => stop());

  const request = Buffer.from(encodeFlatbuffersEnvelope({ message_type: 'IsAlive', message: {} }));

  it.each(['reject', 'throw'] as const)(
    'is answered with a flatbuffers Error envelope (code 2), never JSON, when the dispatcher %ss; the connection stays open',
    async (mode) => {
      dispatcher.mode = mode;
      const peer = await RawPeer.connect({ port: tcpPort(servers) });
      try {
        for (let i = 0; i < 2; i++) {
          peer.write(frame(3, request));
          const answer = await peer.next();
          expect(answer[0]).not.toBe('{'.charCodeAt(0));
          const decoded = decodeFlatbuffersEnvelope(answer);
          expect(decoded).toMatchObject({
            ok: true,
            value: { message_type: 'Error', message: { code: ErrorCode.exception, message: ErrorMessage.internal } },
          });
        }
        // The same connection still answers JSON envelopes in JSON.
        peer.write(frame(4, '{"message_type":"IsAlive","message":{}}'));
        expect((await peer.nextJson()).message_type).toBe('Echo');
      } finally {
        peer.destroy();
      }
    },
  );
});
