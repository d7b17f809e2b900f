import * as net from 'node:net';
import * as path from 'node:path';
import { IpcClient } from '../src/client';
import { IpcErrorCode } from '../src/errors';
import { startIpcServers, type IpcServers } from '../src/server';
import { EchoDispatcher, makeTempDir, silentLogger, tcpPort, testConfig, waitFor } from './helpers';

describe('IpcClient', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers | null = null;
  let dispatcher: EchoDispatcher;
  const cleanups: Array<() => Promise<unknown> | void> = [];

  beforeEach(() => {
    temp = makeTempDir();
    dispatcher = new EchoDispatcher();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await servers?.close();
    servers = null;
    temp.cleanup();
  });

  async function start(local = false): Promise<IpcServers> {
    servers = await startIpcServers({
      config: testConfig(temp.dir, (c) => {
        c.ipc.local.enable = local;
      }),
      dispatcher,
      logger: silentLogger,
      dataDir: temp.dir,
    });
    return servers;
  }

  function client(options: ConstructorParameters<typeof IpcClient>[0]): IpcClient {
    const c = new IpcClient(options);
    cleanups.push(() => c.close());
    return c;
  }

  it('matches concurrent requests to their answers in order', async () => {
    const s = await start();
    dispatcher.delayMs = 2;
    const c = client({ port: tcpPort(s), env: {} });
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => c.legacy({ action: 'n', i })));
    expect(answers.map((a) => (a.request as { i: number }).i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('finds the server from NANO_IPC_PATH, which wins over NANO_IPC_ADDR and NANO_IPC_PORT', async () => {
    await start(true);
    const c = client({
      env: { NANO_IPC_PATH: path.join(temp.dir, 'ipc.sock'), NANO_IPC_ADDR: '127.0.0.1', NANO_IPC_PORT: '1' },
    });
    expect(c.target).toEqual({ transport: 'local', path: path.join(temp.dir, 'ipc.sock') });
    expect((await c.legacy({ action: 'x' })).request).toEqual({ action: 'x' });
  });

  it('finds the server from NANO_IPC_ADDR and NANO_IPC_PORT', async () => {
    const s = await start();
    const c = client({ env: { NANO_IPC_ADDR: '127.0.0.1', NANO_IPC_PORT: String(tcpPort(s)) } });
    expect((await c.call({ message_type: 'IsAlive', message: {} })).message_type).toBe('Echo');
  });

  it('lets options override the environment', async () => {
    const s = await start();
    const c = client({
      host: '127.0.0.1',
      port: tcpPort(s),
      env: { NANO_IPC_PATH: '/nonexistent/socket', NANO_IPC_PORT: '1' },
    });
    expect(c.target).toMatchObject({ transport: 'tcp', port: tcpPort(s) });
    expect((await c.legacy({ action: 'x' })).request).toEqual({ action: 'x' });
  });

  it('defaults to TCP 127.0.0.1:7077 and takes NANO_IPC_ACCESS_FILE', () => {
    expect(new IpcClient({ env: {} }).target).toEqual({
      transport: 'tcp',
      host: '127.0.0.1',
      port: 7077,
      accessFile: null,
    });
    expect(new IpcClient({ env: { NANO_IPC_ACCESS_FILE: '/s' } }).target).toMatchObject({ accessFile: '/s' });
  });

  it('refuses a NANO_IPC_PORT that is not a port', () => {
    expect(() => new IpcClient({ env: { NANO_IPC_PORT: '70000' } })).toThrow(
      expect.objectContaining({ code: IpcErrorCode.badOptions }),
    );
  });

  it('reports an unreachable server with NA_IPC_CONNECT_FAILED', async () => {
    const c = client({ path: path.join(temp.dir, 'nobody.sock'), env: {} });
    await expect(c.legacy({ action: 'x' })).rejects.toMatchObject({ code: IpcErrorCode.connectFailed });
  });

  it('reconnects on the next call after the server dropped the connection', async () => {
    const s = await start();
    const c = client({ port: tcpPort(s), env: {} });
    expect((await c.legacy({ action: 'a' })).request).toEqual({ action: 'a' });
    await s.close();
    servers = null;
    await waitFor(() => !c.connected, 10_000, 'the client to notice the drop');
    // Same port, new server.
    servers = await startIpcServers({
      config: testConfig(temp.dir, (cfg) => {
        cfg.ipc.tcp.port = tcpPort(s);
      }),
      dispatcher,
      logger: silentLogger,
      dataDir: temp.dir,
    });
    expect((await c.legacy({ action: 'b' })).request).toEqual({ action: 'b' });
  });

  it('rejects pending requests when the connection closes', async () => {
    const s = await start();
    dispatcher.delayMs = 500;
    const c = client({ port: tcpPort(s), env: {} });
    await c.connect();
    const pending = c.legacy({ action: 'slow' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await s.close();
    servers = null;
    await expect(pending).rejects.toMatchObject({ code: IpcErrorCode.connectionClosed });
  });

  it('times out a request that gets no answer, and the next call uses a fresh connection', async () => {
    // A server that accepts and never answers the first connection, then echoes on later ones.
    let connections = 0;
    const silent = net.createServer((socket) => {
      connections += 1;
      socket.on('error', () => undefined);
      if (connections === 1) {
        socket.resume(); // read and ignore: never answer
        return;
      }
      socket.on('data', () => socket.write(Buffer.from([0, 0, 0, 2, 0x7b, 0x7d])));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const c = client({ port: (silent.address() as net.AddressInfo).port, timeoutMs: 300, env: {} });
    const first = c.legacy({ action: 'a' });
    const second = c.legacy({ action: 'b' });
    await expect(first).rejects.toMatchObject({ code: IpcErrorCode.requestTimeout });
    await expect(second).rejects.toMatchObject({ code: IpcErrorCode.connectionClosed });
    expect(await c.legacy({ action: 'c' })).toEqual({});
    expect(connections).toBe(2);
  });

  it('refuses a response longer than its limit', async () => {
    const big = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', () => socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff])));
    });
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => big.close(() => resolve())));
    const c = client({ port: (big.address() as net.AddressInfo).port, maxResponseBytes: 1024, env: {} });
    await expect(c.legacy({ action: 'a' })).rejects.toMatchObject({ code: IpcErrorCode.frameTooLarge });
  });

  it('rejects with NA_IPC_BAD_RESPONSE an answer that is not JSON, and one nobody asked for', async () => {
    let unasked = false;
    const garbled = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', () => {
        const answer = Buffer.from('not json');
        const head = Buffer.alloc(4);
        head.writeUInt32BE(answer.length);
        // The second time, two answers to one request: the second is one nobody asked for.
        socket.write(unasked ? Buffer.concat([head, answer, head, answer]) : Buffer.concat([head, answer]));
      });
    });
    await new Promise<void>((resolve) => garbled.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => garbled.close(() => resolve())));
    const c = client({ port: (garbled.address() as net.AddressInfo).port, env: {} });
    await expect(c.legacy({ action: 'a' })).rejects.toMatchObject({ code: IpcErrorCode.badResponse });
    unasked = true;
    const dropped = new Promise<unknown>((resolve) => c.once('error', resolve));
    const raw = await c.request(1, Buffer.from('{"action":"b"}'));
    expect(raw.toString('utf8')).toBe('not json');
    expect(await dropped).toMatchObject({ code: IpcErrorCode.badResponse });
  });

  it('emits pushed events and does not take them for answers', async () => {
    const s = await start();
    const c = client({ port: tcpPort(s), env: {} });
    const events: unknown[] = [];
    c.on('event', (e) => events.push(e));
    await c.call({ message_type: 'TopicConfirmation', message: {} });
    dispatcher.sessions[0].push({ time: 1, message_type: 'EventConfirmation', message: { n: 1 } });
    const answer = await c.call({ message_type: 'IsAlive', message: {} });
    expect(answer.message_type).toBe('Echo');
    expect(events).toEqual([{ time: 1, message_type: 'EventConfirmation', message: { n: 1 } }]);
  });
});
