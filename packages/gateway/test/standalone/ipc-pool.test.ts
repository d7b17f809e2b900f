import { IpcPool, type PooledIpcClient } from '@nano-access/gateway';

/** A client whose answers the test releases by hand, recording what was sent on it. */
function heldClient(name: string, sent: string[]) {
  const waiting: Array<() => void> = [];
  const client: PooledIpcClient & { answerAll(): void } = {
    request(_encoding, payload) {
      sent.push(`${name}:${Buffer.from(payload).toString('utf8')}`);
      return new Promise<Buffer>((resolve) => waiting.push(() => resolve(Buffer.from('{}'))));
    },
    close: async () => undefined,
    on: () => client,
    answerAll: () => waiting.splice(0).forEach((answer) => answer()),
  };
  return client;
}

describe('IpcPool', () => {
  it('refuses a size that is not a positive whole number with NA_GATEWAY_BAD_OPTION, before opening any connection', () => {
    for (const size of [0, -1, 1.5, NaN]) {
      let made = 0;
      const create = () => {
        made++;
        return heldClient('x', []);
      };
      expect(() => new IpcPool({ size, createClient: create })).toThrow(
        expect.objectContaining({ code: 'NA_GATEWAY_BAD_OPTION', message: expect.stringContaining(`not ${size}`) }),
      );
      expect(made).toBe(0);
    }
  });

  it('sends a request to the connection with the fewest requests in flight, so a slow one holds up nothing that could go elsewhere', async () => {
    const sent: string[] = [];
    const clients = [heldClient('a', sent), heldClient('b', sent), heldClient('c', sent)];
    let made = 0;
    const pool = new IpcPool({ size: 3, createClient: () => clients[made++] });
    const slow = pool.request(4, Buffer.from('slow')); // held on a until the end
    const first = pool.request(4, Buffer.from('1'));
    clients[1].answerAll();
    await first;
    // b and c are idle, a is busy: the next requests never queue behind the slow one.
    const rest = [pool.request(4, Buffer.from('2')), pool.request(4, Buffer.from('3'))];
    expect(sent).toEqual(['a:slow', 'b:1', 'c:2', 'b:3']);
    clients.forEach((c) => c.answerAll());
    await Promise.all([slow, ...rest]);
    // All idle again: in turn.
    const more = [
      pool.request(4, Buffer.from('4')),
      pool.request(4, Buffer.from('5')),
      pool.request(4, Buffer.from('6')),
    ];
    expect(sent.slice(4)).toEqual(['c:4', 'a:5', 'b:6']);
    clients.forEach((c) => c.answerAll());
    await Promise.all(more);
  });

  it('refuses, unsent, a payload over maxFrameBytes with NA_GATEWAY_BODY_TOO_LARGE', async () => {
    const sent: string[] = [];
    const pool = new IpcPool({ size: 1, createClient: () => heldClient('a', sent), maxFrameBytes: 4 });
    await expect(pool.request(4, Buffer.from('12345'))).rejects.toMatchObject({ code: 'NA_GATEWAY_BODY_TOO_LARGE' });
    expect(sent).toEqual([]);
  });
});
