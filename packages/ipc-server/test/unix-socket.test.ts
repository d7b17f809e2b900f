import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { IpcErrorCode } from '../src/errors';
import { startIpcServers, type IpcServers } from '../src/server';
import { listenUnixSocket, probeSocketPath } from '../src/unix-socket';
import { EchoDispatcher, frame, makeTempDir, RawPeer, silentLogger, testConfig } from './helpers';

describe('the unix socket transport', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const toClose: Array<() => Promise<void> | void> = [];

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(async () => {
    for (const close of toClose.splice(0).reverse()) await close();
    temp.cleanup();
  });

  async function startLocal(socketPath: string, mode = 0o600): Promise<IpcServers> {
    const config = testConfig(temp.dir, (c) => {
      c.ipc.tcp.enable = false;
      c.ipc.local.enable = true;
      c.ipc.local.path = socketPath;
      c.ipc.local.mode = mode;
    });
    const servers = await startIpcServers({
      config,
      dispatcher: new EchoDispatcher(),
      logger: silentLogger,
      dataDir: temp.dir,
    });
    toClose.push(() => servers.close());
    return servers;
  }

  it.each([0o600, 0o660, 0o666])('creates the socket with mode %o', async (mode) => {
    const socketPath = path.join(temp.dir, 's.sock');
    await startLocal(socketPath, mode);
    const stat = fs.lstatSync(socketPath);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(mode);
  });

  it('never shows a wider mode at the path while starting (the socket appears by rename, already chmod-ed)', async () => {
    const socketPath = path.join(temp.dir, 'w.sock');
    const seen = new Set<number>();
    let watching = true;
    const poll = (async () => {
      while (watching) {
        try {
          seen.add(fs.lstatSync(socketPath).mode & 0o777);
        } catch {
          // not there yet
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await startLocal(socketPath, 0o600);
    watching = false;
    await poll;
    seen.add(fs.lstatSync(socketPath).mode & 0o777);
    expect([...seen]).toEqual([0o600]);
    // The private directory used while creating it is gone.
    expect(fs.readdirSync(temp.dir).filter((n) => n.startsWith('.nano-access-'))).toEqual([]);
  });

  it('replaces a stale socket file left by a dead server', async () => {
    const socketPath = path.join(temp.dir, 'stale.sock');
    const orphan = net.createServer();
    await new Promise<void>((resolve) => orphan.listen(socketPath, resolve));
    // A crashed server leaves its file behind. Simulate it: move the file aside while the listener
    // closes (libuv unlinks the bound name, which is gone by then), then put it back.
    const aside = socketPath + '.aside';
    fs.renameSync(socketPath, aside);
    await new Promise<void>((resolve) => orphan.close(() => resolve()));
    fs.renameSync(aside, socketPath);
    expect(fs.lstatSync(socketPath).isSocket()).toBe(true);
    expect(await probeSocketPath(socketPath)).toBe('stale');

    await startLocal(socketPath);
    const p = await RawPeer.connect(socketPath);
    toClose.push(() => p.destroy());
    p.write(frame(1, '{"action":"x"}'));
    expect((await p.nextJson()).request).toEqual({ action: 'x' });
  });

  it('refuses a path a live server answers on, and leaves that server untouched', async () => {
    const socketPath = path.join(temp.dir, 'live.sock');
    await startLocal(socketPath);
    await expect(startLocal(socketPath)).rejects.toMatchObject({ code: IpcErrorCode.socketInUse });
    const p = await RawPeer.connect(socketPath);
    toClose.push(() => p.destroy());
    p.write(frame(1, '{"action":"still-there"}'));
    expect((await p.nextJson()).request).toEqual({ action: 'still-there' });
  });

  it('refuses a path that is a regular file, and keeps the file', async () => {
    const socketPath = path.join(temp.dir, 'file.sock');
    fs.writeFileSync(socketPath, 'precious');
    await expect(startLocal(socketPath)).rejects.toMatchObject({ code: IpcErrorCode.socketPathNotSocket });
    expect(fs.readFileSync(socketPath, 'utf8')).toBe('precious');
  });

  it('refuses a path that is a directory', async () => {
    const socketPath = path.join(temp.dir, 'dir.sock');
    fs.mkdirSync(socketPath);
    await expect(startLocal(socketPath)).rejects.toMatchObject({ code: IpcErrorCode.socketPathNotSocket });
  });

  it('refuses a path too long for a unix socket with its own code', async () => {
    const socketPath = path.join(temp.dir, 'x'.repeat(120));
    await expect(startLocal(socketPath)).rejects.toMatchObject({ code: IpcErrorCode.socketPathTooLong });
  });

  it('reports a missing directory as a listen failure', async () => {
    const socketPath = path.join(temp.dir, 'missing', 's.sock');
    await expect(startLocal(socketPath)).rejects.toMatchObject({ code: IpcErrorCode.listenFailed });
  });

  it('removes the socket file on close, but not a successor that replaced it', async () => {
    const socketPath = path.join(temp.dir, 'c.sock');
    const servers = await startLocal(socketPath);
    await servers.close();
    expect(fs.existsSync(socketPath)).toBe(false);

    const server = net.createServer();
    const listener = await listenUnixSocket(server, socketPath, 0o600);
    fs.unlinkSync(socketPath);
    fs.writeFileSync(socketPath, 'successor');
    await listener.close();
    expect(fs.readFileSync(socketPath, 'utf8')).toBe('successor');
  });
});
