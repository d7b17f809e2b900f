/**
 * The server under test: `nano-access serve --data DIR` as a real child
 * process on loopback ports picked free beforehand and a unix socket in a temp
 * dir. Its log lines (JSON on stderr) go to a file and are watched for the
 * reload outcomes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { copyFile, mkdtemp, writeFile, chmod } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'packages/cli/bin/nano-access.js');

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** The built binary; fails early with a clear message when it cannot run `serve`. */
export function serveEntry(): { script: string } {
  const help = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' });
  if (help.status !== 0)
    throw new Error(
      `${BIN} serve --help failed (${help.status}): ${(help.stderr ?? '').trim()}; run \`npx tsc -b\` first`,
    );
  return { script: BIN };
}

export interface ServerOptions {
  name: string;
  /** Data dir to copy (config-access.toml, ledger.json). */
  fixtures: string;
  accessText: string;
  ioTimeoutSeconds: number;
  maxConnections: number;
  /** [node.ipc] max_frame_bytes (default 65536). */
  maxFrameBytes?: number;
  /** The gateway's headers_timeout (config-rpc.toml), seconds. */
  headersTimeoutSeconds: number;
  /** A node-rpc backend's upstream URL; embedded ledger otherwise. */
  upstreamUrl?: string;
  upstreamTimeoutSeconds?: number;
  logLevel: string;
}

export interface LogEvent {
  level: number;
  msg: string;
  hash?: string;
  [key: string]: unknown;
}

/** A running server child. */
export class ServerUnderTest {
  child: ChildProcess | null = null;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly logFile: string;
  readonly accessPath: string;
  private readonly listeners = new Set<(event: LogEvent) => void>();
  private logStream: WriteStream | null = null;
  private stdout = '';
  logLines = 0;

  private constructor(
    readonly options: ServerOptions,
    readonly dataDir: string,
    readonly tcpPort: number,
    readonly httpPort: number,
    readonly socketPath: string,
  ) {
    this.logFile = join(dataDir, 'server.log');
    this.accessPath = join(dataDir, 'config-access.toml');
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get alive(): boolean {
    return this.child !== null && this.exit === null;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** Makes the temp data dir and its three config files. */
  static async prepare(options: ServerOptions): Promise<ServerUnderTest> {
    const dataDir = await mkdtemp(join(tmpdir(), `nano-access-soak-${options.name}-`));
    const [tcpPort, httpPort] = [await freePort(), await freePort()];
    const socketPath = join(dataDir, 'ipc.sock');
    await copyFile(join(options.fixtures, 'ledger.json'), join(dataDir, 'ledger.json'));
    await writeFile(join(dataDir, 'config-access.toml'), options.accessText, { mode: 0o600 });
    await chmod(join(dataDir, 'config-access.toml'), 0o600);
    const backend = options.upstreamUrl
      ? `[backend]\ntype = "node-rpc"\nurl = "${options.upstreamUrl}"\ntimeout = ${options.upstreamTimeoutSeconds ?? 2}\n`
      : '[backend]\ntype = "embedded"\nledger = "ledger.json"\n';
    await writeFile(
      join(dataDir, 'config-node.toml'),
      [
        '[node.ipc]',
        `max_connections = ${options.maxConnections}`,
        `max_frame_bytes = ${options.maxFrameBytes ?? 65536}`,
        '',
        '[node.ipc.local]',
        'enable = true',
        `path = "${socketPath}"`,
        `io_timeout = ${options.ioTimeoutSeconds}`,
        '',
        '[node.ipc.tcp]',
        'enable = true',
        'address = "127.0.0.1"',
        `port = ${tcpPort}`,
        `io_timeout = ${options.ioTimeoutSeconds}`,
        '',
        backend,
      ].join('\n'),
    );
    await writeFile(
      join(dataDir, 'config-rpc.toml'),
      [
        'address = "127.0.0.1"',
        `port = ${httpPort}`,
        'max_request_size = 65536',
        'max_json_depth = 20',
        `headers_timeout = ${options.headersTimeoutSeconds}`,
        '',
        '[logging]',
        'log_rpc = true',
        '',
      ].join('\n'),
    );
    return new ServerUnderTest(options, dataDir, tcpPort, httpPort, socketPath);
  }

  /** Spawns the child and resolves once the gateway line is printed (every transport is up then). */
  async start(entry: { script: string }, timeoutMs = 30_000): Promise<void> {
    this.logStream = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [entry.script, 'serve', '--data', this.dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NANO_ACCESS_LOG_LEVEL: this.options.logLevel, NANO_ACCESS_LOG_FORMAT: 'json' },
    });
    this.child = child;
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
    });
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.logStream?.write(chunk);
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        this.logLines += 1;
        if (line.startsWith('{')) {
          try {
            const event = JSON.parse(line) as LogEvent;
            for (const listener of this.listeners) listener(event);
          } catch {
            // not a JSON line (a warning of the CLI): kept in the file for the credential grep
          }
        }
        newline = pending.indexOf('\n');
      }
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.stdout += chunk;
      this.logStream?.write(chunk);
    });
    const started = Date.now();
    while (!/gateway listening on/.test(this.stdout)) {
      if (this.exit !== null)
        throw new Error(
          `${this.options.name}: serve exited early (${this.exit.code ?? this.exit.signal}): ${readFileSync(this.logFile, 'utf8').slice(-2000)}`,
        );
      if (Date.now() - started > timeoutMs)
        throw new Error(`${this.options.name}: serve did not start within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  onLog(listener: (event: LogEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** VmRSS of the child in KiB (from /proc), or NaN. */
  rssKiB(): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) : NaN;
    } catch {
      return NaN;
    }
  }

  /** Open file descriptors of the child (from /proc), or NaN. */
  openFds(): number {
    try {
      return spawnSync('ls', [`/proc/${this.pid}/fd`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean).length;
    } catch {
      return NaN;
    }
  }

  signal(name: NodeJS.Signals): void {
    if (this.alive) this.child!.kill(name);
  }

  /** SIGTERM, then SIGKILL after a grace period. Resolves with the exit. */
  async stop(graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null> {
    const child = this.child;
    if (child === null) return null;
    if (this.exit === null) {
      child.kill('SIGTERM');
      const deadline = Date.now() + graceMs;
      while (this.exit === null && Date.now() < deadline) await sleep(50);
      if (this.exit === null) {
        child.kill('SIGKILL');
        while (this.exit === null) await sleep(20);
      }
    }
    await new Promise<void>((done) => (this.logStream ? this.logStream.end(() => done()) : done()));
    this.logStream = null;
    return this.exit;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
