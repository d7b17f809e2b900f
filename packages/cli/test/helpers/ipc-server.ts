import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defaultNodeConfig, startIpcServers } from '@nano-access/ipc-server';
import { createEmbeddedBackend, Dispatcher } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';

const LEDGER = join(__dirname, '..', '..', '..', '..', 'fixtures', 'data', 'ledger.json');

export interface InProcessIpcServer {
  /** A fresh directory: the server's data directory, removed by close(). */
  dir: string;
  /** The unix socket, `dir`/ipc.sock. */
  socket: string;
  /** The TCP port, on 127.0.0.1. */
  port: number;
  close(): Promise<void>;
}

/**
 * A real IPC server in this process, on a unix socket and an ephemeral loopback TCP port: protocol's
 * Dispatcher over the embedded backend on the fixture ledger, with the policy of `accessText`. The
 * policy comes from text, not a file, so the server has no access file to reload.
 */
export async function startIpcServer(accessText: string): Promise<InProcessIpcServer> {
  const dir = mkdtempSync(join(tmpdir(), 'na-cli-ipc-'));
  const socket = join(dir, 'ipc.sock');
  const config = defaultNodeConfig(dir);
  config.ipc.tcp = { ...config.ipc.tcp, enable: true, port: 0 };
  config.ipc.local = { ...config.ipc.local, enable: true, path: socket };
  const backend = await createEmbeddedBackend({ ledgerPath: LEDGER });
  const dispatcher = new Dispatcher({ policy: PolicyStore.fromText(accessText), backend });
  const servers = await startIpcServers({ config, dispatcher, logger: pino({ level: 'silent' }), dataDir: dir });
  const tcp = servers.addresses().find((a) => a.transport === 'tcp') as { port: number };
  return {
    dir,
    socket,
    port: tcp.port,
    async close() {
      await servers.close();
      dispatcher.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
