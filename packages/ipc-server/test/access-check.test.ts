import * as fs from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';
import * as crypto from 'node:crypto';
import { ACCESS_MAGIC, clientProof, NONCE_BYTES, serverProof } from '../src/access-check';
import { IpcClient } from '../src/client';
import { IpcErrorCode } from '../src/errors';
import { startIpcServers, type IpcServers } from '../src/server';
import { EchoDispatcher, frame, makeTempDir, RawPeer, silentLogger, tcpPort, testConfig } from './helpers';

const SECRET = 'correct horse battery staple 42';

describe('the TCP access check', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let servers: IpcServers | null = null;
  let secretFile: string;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(() => {
    temp = makeTempDir();
    secretFile = path.join(temp.dir, 'secret');
    fs.writeFileSync(secretFile, SECRET + '\n', { mode: 0o600 });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await servers?.close();
    servers = null;
    temp.cleanup();
  });

  async function start(check = true, ioTimeout = 15): Promise<number> {
    const config = testConfig(temp.dir, (c) => {
      c.ipc.tcp.accessCheck = check;
      c.ipc.tcp.accessFile = check ? secretFile : '';
      c.ipc.tcp.ioTimeout = ioTimeout;
    });
    servers = await startIpcServers({
      config,
      dispatcher: new EchoDispatcher(),
      logger: silentLogger,
      dataDir: temp.dir,
    });
    return tcpPort(servers);
  }

  function client(port: number, accessFile?: string): IpcClient {
    const c = new IpcClient({ host: '127.0.0.1', port, accessFile, timeoutMs: 5000, env: {} });
    cleanups.push(() => c.close());
    return c;
  }

  async function rawPeer(port: number): Promise<RawPeer> {
    const p = await RawPeer.connect({ port });
    cleanups.push(() => p.destroy());
    return p;
  }

  /** Reads exactly n bytes of the handshake from a raw socket. */
  function readBytes(socket: net.Socket, n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        got = Buffer.concat([got, chunk]);
        if (got.length >= n) {
          socket.off('data', onData);
          resolve(got.subarray(0, n));
        }
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error(`closed after ${got.length} bytes`)));
    });
  }

  async function rawSocket(port: number): Promise<net.Socket> {
    const socket = net.createConnection({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    cleanups.push(() => void socket.destroy());
    return socket;
  }

  function closed(socket: net.Socket): Promise<boolean> {
    if (socket.destroyed) return Promise.resolve(true);
    return Promise.race([
      new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
    ]);
  }

  it('lets a client with the secret in, and serves it', async () => {
    const port = await start();
    const c = client(port, secretFile);
    expect(await c.legacy({ action: 'block_count' })).toEqual({
      request: { action: 'block_count' },
      unsafeAllowed: false,
      authorize: false,
    });
  });

  it('closes a client that does not do the handshake, without detail', async () => {
    const port = await start();
    const p = await rawPeer(port);
    p.write(frame(1, '{"action":"block_count"}'));
    expect(await p.waitClosed()).toBe(true);
    expect(p.raw.length).toBe(0);
  });

  it('refuses a client with the wrong secret', async () => {
    const port = await start();
    const wrong = path.join(temp.dir, 'wrong');
    fs.writeFileSync(wrong, 'not the secret at all, sorry', { mode: 0o600 });
    await expect(client(port, wrong).connect()).rejects.toMatchObject({ code: IpcErrorCode.accessDenied });
  });

  it('fails a client holding a secret against a server without the check', async () => {
    const port = await start(false);
    await expect(client(port, secretFile).connect()).rejects.toMatchObject({ code: IpcErrorCode.accessDenied });
  });

  it('refuses a replayed answer: a recorded client proof does not open a new connection', async () => {
    const port = await start();
    const secret = Buffer.from(SECRET);
    // A legitimate handshake, recorded.
    const first = await rawSocket(port);
    const clientNonce = crypto.randomBytes(NONCE_BYTES);
    first.write(Buffer.concat([ACCESS_MAGIC, clientNonce]));
    const challenge1 = await readBytes(first, 36);
    const proof = clientProof(secret, clientNonce, challenge1.subarray(4));
    first.write(proof);
    expect((await readBytes(first, 32)).equals(serverProof(secret, clientNonce, challenge1.subarray(4)))).toBe(true);
    // The attacker replays the same hello and proof on a new connection: the server's nonce is new.
    const second = await rawSocket(port);
    second.write(Buffer.concat([ACCESS_MAGIC, clientNonce]));
    const challenge2 = await readBytes(second, 36);
    expect(challenge2.subarray(4).equals(challenge1.subarray(4))).toBe(false);
    second.write(proof);
    expect(await closed(second)).toBe(true);
  });

  it('refuses a reflected challenge: the server proof (other label) is not a client proof', async () => {
    const port = await start();
    const secret = Buffer.from(SECRET);
    const socket = await rawSocket(port);
    const clientNonce = crypto.randomBytes(NONCE_BYTES);
    socket.write(Buffer.concat([ACCESS_MAGIC, clientNonce]));
    const serverNonce = (await readBytes(socket, 36)).subarray(4);
    // Even knowing the secret, a proof for the server's direction must not pass as the client's.
    socket.write(serverProof(secret, clientNonce, serverNonce));
    expect(await closed(socket)).toBe(true);
  });

  it('closes a hello that does not carry the access-check magic, and answers one that does', async () => {
    const port = await start();
    const bad = await rawSocket(port);
    bad.resume();
    bad.write(Buffer.concat([Buffer.from([0x4e, 0x81, 0, 0]), crypto.randomBytes(NONCE_BYTES)]));
    expect(await closed(bad)).toBe(true);
    const good = await rawSocket(port);
    good.write(Buffer.concat([ACCESS_MAGIC, crypto.randomBytes(NONCE_BYTES)]));
    expect((await readBytes(good, 36)).subarray(0, 4).equals(ACCESS_MAGIC)).toBe(true);
  });

  it('client refuses a server that reflects its own nonce or its proof back', async () => {
    // A fake server: echoes the client's hello as its challenge, then its proof as the server proof.
    const fake = net.createServer((socket) => {
      socket.on('error', () => undefined);
      let stage = 0;
      socket.on('data', (chunk) => {
        if (stage === 0) socket.write(chunk.subarray(0, 36));
        stage += 1;
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => fake.close(() => resolve())));
    const port = (fake.address() as net.AddressInfo).port;
    await expect(client(port, secretFile).connect()).rejects.toMatchObject({ code: IpcErrorCode.accessDenied });

    const reflector = net.createServer((socket) => {
      socket.on('error', () => undefined);
      let stage = 0;
      socket.on('data', (chunk) => {
        if (stage === 0) socket.write(Buffer.concat([ACCESS_MAGIC, crypto.randomBytes(NONCE_BYTES)]));
        else socket.write(chunk.subarray(0, 32)); // the client's own proof, reflected
        stage += 1;
      });
    });
    await new Promise<void>((resolve) => reflector.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => reflector.close(() => resolve())));
    const port2 = (reflector.address() as net.AddressInfo).port;
    await expect(client(port2, secretFile).connect()).rejects.toMatchObject({ code: IpcErrorCode.accessDenied });
  });

  it('survives a truncated handshake and keeps serving others', async () => {
    const port = await start();
    for (const cut of [1, 3, 20, 36]) {
      const socket = await rawSocket(port);
      socket.resume(); // read (and drop) the challenge, so the close is seen
      socket.end(Buffer.concat([ACCESS_MAGIC, crypto.randomBytes(NONCE_BYTES)]).subarray(0, cut));
      expect([cut, await closed(socket)]).toEqual([cut, true]);
    }
    const socket = await rawSocket(port);
    socket.write(Buffer.concat([ACCESS_MAGIC, crypto.randomBytes(NONCE_BYTES)]));
    await readBytes(socket, 36);
    socket.end(crypto.randomBytes(10)); // a truncated proof
    expect(await closed(socket)).toBe(true);
    expect((await client(port, secretFile).legacy({ action: 'ok' })).request).toEqual({ action: 'ok' });
  });

  it('closes a slow handshake after io_timeout, even if bytes keep trickling', async () => {
    const port = await start(true, 0.5);
    const socket = await rawSocket(port);
    const hello = Buffer.concat([ACCESS_MAGIC, crypto.randomBytes(NONCE_BYTES)]);
    let i = 0;
    const trickle = setInterval(() => {
      if (i < hello.length && !socket.destroyed) socket.write(hello.subarray(i, ++i));
    }, 100);
    cleanups.push(() => clearInterval(trickle));
    expect(await closed(socket)).toBe(true);
    expect(i).toBeLessThan(hello.length);
  });

  it('refuses to start with a secret file readable by others', async () => {
    fs.chmodSync(secretFile, 0o644);
    await expect(start()).rejects.toMatchObject({ code: IpcErrorCode.accessFilePermissions });
  });

  it('client refuses to connect with a secret file readable by others', async () => {
    const port = await start(false);
    fs.chmodSync(secretFile, 0o604);
    await expect(client(port, secretFile).connect()).rejects.toMatchObject({
      code: IpcErrorCode.accessFilePermissions,
    });
  });
});
