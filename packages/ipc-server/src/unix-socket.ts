import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { IpcError, IpcErrorCode } from './errors';

/** sockaddr_un.sun_path holds 108 bytes on Linux (104 on macOS), with the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;
const TEMP_DIR_PREFIX = '.nano-access-';
const TEMP_SOCKET_NAME = 's';
const PROBE_TIMEOUT_MS = 2000;

/** What is at a socket path before we listen there. */
export type SocketPathState = 'free' | 'stale' | 'live' | 'not-socket';

/** Probes a path: nothing there, a socket nobody answers on, a live server, or something else. */
export async function probeSocketPath(target: string): Promise<SocketPathState> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'free';
    throw error;
  }
  if (!stat.isSocket()) return 'not-socket';
  return new Promise((resolve) => {
    const probe = net.createConnection(target);
    const finish = (state: SocketPathState): void => {
      probe.destroy();
      resolve(state);
    };
    probe.setTimeout(PROBE_TIMEOUT_MS, () => finish('live'));
    probe.once('connect', () => finish('live'));
    probe.once('error', (error: NodeJS.ErrnoException) => {
      // ECONNREFUSED: the file is left over from a dead server. ENOENT: it vanished meanwhile.
      // Anything else (EACCES, EAGAIN: a busy live server) is not ours to replace.
      finish(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'stale' : 'live');
    });
  });
}

/** A listening unix socket, created at its path with its mode. */
export interface UnixSocketListener {
  readonly path: string;
  /** Closes the listener and removes the socket file if it is still ours. */
  close(): Promise<void>;
}

/**
 * Listens on a unix socket that has its mode from the first instant.
 *
 * The socket is bound inside a fresh private directory (mode 0700, from
 * mkdtemp) next to the target, chmod-ed there, and then renamed onto the
 * target path. Nobody can connect while it is in the private directory, and
 * rename(2) is atomic, so there is no moment at which the target path holds a
 * socket with a wider mode; a stale socket at the target is replaced in the
 * same step. Unlike changing process.umask around listen(), this touches no
 * process-wide state, so files created concurrently by the thread pool (or
 * other code) keep their modes.
 *
 * @throws IpcError NA_IPC_SOCKET_PATH_TOO_LONG, NA_IPC_SOCKET_PATH_NOT_SOCKET, NA_IPC_SOCKET_IN_USE, NA_IPC_LISTEN_FAILED
 */
export async function listenUnixSocket(server: net.Server, target: string, mode: number): Promise<UnixSocketListener> {
  const dir = path.dirname(target);
  const tempLength = Buffer.byteLength(path.join(dir, TEMP_DIR_PREFIX + 'XXXXXX', TEMP_SOCKET_NAME));
  if (Buffer.byteLength(target) > MAX_SOCKET_PATH_BYTES || tempLength > MAX_SOCKET_PATH_BYTES) {
    throw new IpcError(
      IpcErrorCode.socketPathTooLong,
      `The IPC socket path ${target} is too long: unix socket paths (and the ${TEMP_DIR_PREFIX}XXXXXX/${TEMP_SOCKET_NAME} name used while creating it) must fit in ${MAX_SOCKET_PATH_BYTES} bytes.`,
    );
  }
  const state = await probeSocketPath(target);
  if (state === 'not-socket') {
    throw new IpcError(
      IpcErrorCode.socketPathNotSocket,
      `The IPC socket path ${target} exists and is not a socket; refusing to replace it.`,
    );
  }
  if (state === 'live') {
    throw new IpcError(
      IpcErrorCode.socketInUse,
      `Another server is answering on the IPC socket ${target}; refusing to take it over.`,
    );
  }

  let privateDir: string;
  try {
    privateDir = await fs.promises.mkdtemp(path.join(dir, TEMP_DIR_PREFIX));
  } catch (error) {
    throw new IpcError(
      IpcErrorCode.listenFailed,
      `Cannot create the IPC socket in ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      { cause: error },
    );
  }
  const tempSocket = path.join(privateDir, TEMP_SOCKET_NAME);
  try {
    await listen(server, tempSocket);
    await fs.promises.chmod(tempSocket, mode);
    await fs.promises.rename(tempSocket, target);
  } catch (error) {
    await closeServer(server);
    await fs.promises.rm(privateDir, { recursive: true, force: true });
    if (error instanceof IpcError) throw error;
    throw new IpcError(
      IpcErrorCode.listenFailed,
      `Cannot listen on the IPC socket ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      { cause: error },
    );
  }
  await fs.promises.rmdir(privateDir).catch(() => undefined);
  const { ino, dev } = await fs.promises.lstat(target);

  return {
    path: target,
    async close(): Promise<void> {
      await closeServer(server);
      // Remove the file only if it is still the socket we created (not a successor's).
      try {
        const now = await fs.promises.lstat(target);
        if (now.ino === ino && now.dev === dev) await fs.promises.unlink(target);
      } catch {
        // Already gone.
      }
    },
  };
}

export function listen(server: net.Server, options: string | net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (typeof options === 'string') server.listen(options, onListening);
    else server.listen(options, onListening);
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
