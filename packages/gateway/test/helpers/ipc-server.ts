import pino from 'pino';
import { defaultNodeConfig, startIpcServers, type IpcServers } from '@nano-access/ipc-server';
import { Dispatcher, type Backend } from '@nano-access/protocol';
import { PolicyStore } from '@nano-access/reloader';
import { backendWithTrigger } from '../../../protocol/test/helpers';

/**
 * This project's IPC server on loopback TCP, as `serve` runs it, in front of the fixture ledger:
 * the upstream of a standalone gateway. Restartable on its port; `confirm` publishes a
 * confirmation to its subscribers as the node would.
 */
export class IpcServerUnderTest {
  private servers: IpcServers | null = null;
  private backend: Backend | null = null;
  private dispatcher: Dispatcher | null = null;
  private readonly store: PolicyStore;
  confirm: (hash: string) => void = () => undefined;
  port = 0;

  /** `allowUnsafe`: [node.ipc.tcp] allow_unsafe, for legacy actions the node calls unsafe. */
  constructor(
    private readonly dataDir: string,
    accessText: string,
    private readonly options: { allowUnsafe?: boolean } = {},
  ) {
    this.store = PolicyStore.fromText(accessText);
  }

  /** Starts (again, on the same port after a stop); optionally a unix socket too, and an access check on TCP. */
  async start(socketPath?: string, accessFile?: string): Promise<void> {
    const config = defaultNodeConfig(this.dataDir);
    config.ipc.tcp = { ...config.ipc.tcp, enable: true, port: this.port };
    if (this.options.allowUnsafe !== undefined) config.ipc.tcp.allowUnsafe = this.options.allowUnsafe;
    if (accessFile !== undefined) config.ipc.tcp = { ...config.ipc.tcp, accessCheck: true, accessFile };
    if (socketPath !== undefined) config.ipc.local = { ...config.ipc.local, enable: true, path: socketPath };
    const trigger = await backendWithTrigger();
    this.backend = trigger.backend;
    this.confirm = trigger.confirm;
    this.dispatcher = new Dispatcher({ policy: this.store, backend: this.backend });
    this.servers = await startIpcServers({
      config,
      dispatcher: this.dispatcher,
      logger: pino({ level: 'silent' }),
      dataDir: this.dataDir,
    });
    const tcp = this.servers.addresses().find((a) => a.transport === 'tcp');
    if (!tcp || tcp.transport !== 'tcp') throw new Error('no tcp address');
    this.port = tcp.port;
  }

  /** Connections open on the server now. */
  connections(): number {
    return this.servers?.connectionCount() ?? 0;
  }

  /** Subscribers of TopicConfirmation on the server (the gateway's upstream subscriptions). */
  upstreamSubscribers(): number {
    return this.dispatcher?.metrics().subscriptions.confirmationSubscribers ?? 0;
  }

  async stop(): Promise<void> {
    await this.servers?.close();
    this.dispatcher?.close();
    await this.backend?.close();
    this.servers = null;
    this.dispatcher = null;
  }
}
