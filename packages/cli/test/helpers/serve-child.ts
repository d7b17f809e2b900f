import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IpcClient } from '@nano-access/ipc-server';

const REPO = path.join(__dirname, '..', '..', '..', '..');
export const BIN = path.join(REPO, 'packages', 'cli', 'bin', 'nano-access.js');
const LEDGER = path.join(REPO, 'fixtures', 'data', 'ledger.json');
/** An account of the bundled ledger, for AccountWeight. */
export const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';

/** A data directory for `serve`: the bundled ledger, IPC on a private unix socket only, the gateway on an ephemeral port. */
export function serveDataDir(extraNodeToml = ''): { dir: string; socket: string; access: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-serve-file-'));
  const socket = path.join(dir, 'ipc.sock');
  fs.copyFileSync(LEDGER, path.join(dir, 'ledger.json'));
  fs.writeFileSync(
    path.join(dir, 'config-node.toml'),
    `[node.ipc.local]\nenable = true\npath = "${socket}"\n${extraNodeToml}`,
  );
  fs.writeFileSync(path.join(dir, 'config-rpc.toml'), 'port = 0\n');
  return {
    dir,
    socket,
    access: path.join(dir, 'config-access.toml'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes a file the way deployment tools should: a temporary file in the same directory, renamed over the name. */
export function replaceFile(file: string, content: string, mode = 0o600): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.new`);
  fs.writeFileSync(temporary, content, { mode });
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ServeChild {
  process: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines written so far. */
  records(): Array<Record<string, unknown>>;
  /** The gateway's base URL, once serve has printed it (it may come after the IPC line). */
  gatewayUrl(): Promise<string>;
  /** Whether `credentials` may call AccountWeight now (a real IPC request). */
  allowed(credentials: string): Promise<boolean>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `nano-access serve --data DIR` as a real child process (the built binary), logging JSON lines
 * at info on stderr. Resolves once it listens, or rejects with what it wrote if it exits first.
 */
export async function startServe(data: { dir: string; socket: string }): Promise<ServeChild> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', data.dir], {
    env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'info', NANO_ACCESS_LOG_FORMAT: 'json' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close', not 'exit': 'exit' may come before the last of stderr is read (the log's final
  // write, a batch of lines), and records() read then would miss it.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const client = new IpcClient({ path: data.socket, env: {} });
  const served: ServeChild = {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    records: () =>
      stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async gatewayUrl() {
      const line = /gateway listening on (\S+)/;
      await waitFor(() => line.test(stdout) || child.exitCode !== null, 'the gateway line');
      const url = line.exec(stdout)?.[1];
      if (url === undefined) throw new Error(`serve exited before its gateway listened:\n${stderr}`);
      return url;
    },
    async allowed(credentials) {
      const answer = await client.call({ message_type: 'AccountWeight', message: { account: ACCOUNT }, credentials });
      return answer.message_type === 'AccountWeightResponse';
    },
    async stop(signal = 'SIGTERM') {
      await client.close().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await waitFor(() => stdout.includes('listening on unix') || child.exitCode !== null, 'serve to listen', 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}:\n${stderr}`);
  return served;
}

/**
 * Runs the binary to its end (for a server that must refuse to start). One that is still running
 * after `timeoutMs` is killed, and the result says so (code null), so no server is left behind.
 */
export function runBinary(
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NANO_ACCESS_LOG_LEVEL: 'info', NANO_ACCESS_LOG_FORMAT: 'json' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
