/**
 * `npx tsx bench/soak/ipc-budgets-run.ts [--short] [--keep] [--frame-bytes N]` (after `npx tsc -b`)
 *
 * Phase 8 of the soak alone (ipc-budgets.ts): a fresh `nano-access serve` with the soak's
 * config, steady load over HTTP and both IPC transports, then 8a (idle TCP connections vs the
 * unix socket) and 8b (half-sent frames vs max_inflight_bytes). Prints the load table, the
 * figures and the musts; exits 1 when a must fails, 2 when the run could not be set up.
 * `--frame-bytes N` sets the server's max_frame_bytes (the soak's 65536 by default; 1048576 is
 * the shipped default), and so the size of the frames 8b announces.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runIpcBudgetPhases, type IpcBudgetTask } from './ipc-budgets';
import { LoadDriver, fixedWindow } from './load';
import { compileValid, makeCredentials, prng } from './policies';
import { ReloadDriver } from './reloads';
import { keyValues, loadTable, mustTable } from './report';
import { serveEntry, ServerUnderTest, sleep } from './server';

const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(ROOT, 'fixtures/data');
const IO_TIMEOUT_SECONDS = 2;

const children = new Set<ChildProcess>();
let server: ServerUnderTest | null = null;
let keep = false;

function cleanupNow(): void {
  if (server?.alive) server.child?.kill('SIGKILL');
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (server !== null && !keep) rmSync(server.dataDir, { recursive: true, force: true });
}

process.on('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanupNow();
    process.exit(130);
  });
}

function log(line: string): void {
  process.stderr.write(`[soak 8 ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function runAbuse<T>(task: IpcBudgetTask): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'abuse-client.ts'), JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((done, fail) => {
    child.once('exit', (code) => {
      children.delete(child);
      if (code !== 0) return fail(new Error(`abuse client (${task.kind}) exited ${code}`));
      try {
        done(JSON.parse(out) as T);
      } catch {
        fail(new Error(`abuse client (${task.kind}) printed no result`));
      }
    });
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const short = argv.includes('--short');
  keep = argv.includes('--keep');
  const frameAt = argv.indexOf('--frame-bytes');
  const maxFrameBytes = frameAt === -1 ? 65536 : Number(argv[frameAt + 1]);
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 8192)
    throw new Error('--frame-bytes needs an integer of at least 8192');
  const fdLimit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim()) || 1024;
  const descriptorBudget = Math.max(64, Math.floor((fdLimit - 200) / 2));
  const maxConnections = Math.min(600, Math.floor(descriptorBudget * 0.5));
  const random = prng(20261125);
  const credentials = makeCredentials(6);
  const accessText = ReloadDriver.initialText(credentials, random);

  server = await ServerUnderTest.prepare({
    name: 'a',
    fixtures: FIXTURES,
    accessText,
    ioTimeoutSeconds: IO_TIMEOUT_SECONDS,
    headersTimeoutSeconds: 2,
    maxConnections,
    maxFrameBytes,
    logLevel: process.env.SOAK_LOG_LEVEL ?? 'info',
  });
  await server.start(serveEntry());
  log(`server pid ${server.pid}: http ${server.httpPort}, ipc tcp ${server.tcpPort}, unix ${server.socketPath}`);
  const load = new LoadDriver(
    {
      httpUrl: server.httpUrl,
      tcpPort: server.tcpPort,
      socketPath: server.socketPath,
      window: fixedWindow(compileValid(accessText)),
      credentials: [undefined, ...credentials.users, credentials.unknown],
      account: 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6',
    },
    40,
  );
  load.start();
  await sleep(2000);
  load.phase('0 baseline');
  await sleep(3000);
  const result = await runIpcBudgetPhases({
    server,
    load,
    runAbuse,
    maxConnections,
    ioTimeoutSeconds: IO_TIMEOUT_SECONDS,
    maxFrameBytes,
    descriptorBudget,
    short,
    log,
  });
  await load.stop();
  const alive = server.alive;
  const exit = await server.stop();
  const musts = [
    ...result.musts,
    {
      name: 'server alive, exits cleanly on SIGTERM',
      pass: alive && exit?.code === 0,
      detail: `exit ${exit?.code ?? exit?.signal}`,
    },
  ];
  process.stdout.write(
    [
      `nano-access soak, phase 8 alone (${short ? 'short' : 'full'}; loopback; ${load.offeredRate} req/s offered; max_connections ${maxConnections} per transport, io_timeout ${IO_TIMEOUT_SECONDS} s, max_frame_bytes ${maxFrameBytes})`,
      '',
      'load held',
      loadTable(load.phases.slice(1).map((stats) => ({ server: 'a', stats, offered: load.offeredRate }))),
      '',
      keyValues('IPC budgets (server a)', result.figures),
      '',
      mustTable(musts),
      '',
    ].join('\n'),
  );
  if (keep) log(`kept: ${server.dataDir}`);
  return musts.some((m) => !m.pass) ? 1 : 0;
}

main()
  .then((code) => {
    cleanupNow();
    process.exit(code);
  })
  .catch((error: unknown) => {
    process.stderr.write(`soak 8: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    cleanupNow();
    process.exit(2);
  });
