/**
 * Instructions per IPC request, under valgrind's callgrind: the full IPC server against the JSON
 * floor and the bare floor of bench/ipc.ts (its `--serve` child, all servers in one process, one
 * loaded at a time), for IsAlive and AccountWeight from 16 clients on the unix socket. Req/s and
 * CPU time on this shared 2-core machine move by 1.5× from one minute to the next; the
 * instruction count of the same build moves by a few per cent, so it is the figure to compare
 * builds by. Not part of `npm run bench` (the leading underscore): it needs valgrind and takes
 * about five minutes.
 *
 *   npx tsc -b && npx tsx bench/_ipc-instructions.ts
 *
 * Each count follows warm-up batches on new connections (a server's second batch of connections
 * still deoptimizes its write path once; from the third on, nothing is compiled during a count).
 * Options (environment): BENCH_REQUESTS (counted, default 20000), BENCH_REWARM (each warm-up batch,
 * default 20000), BENCH_TRANSPORT (unix or tcp), BENCH_VALGRIND_ARGS (`--cache-sim=yes` adds the
 * simulated cache misses to the dumps), BENCH_NODE_ARGS (`--perf-basic-prof` writes
 * /tmp/perf-<pid>.map; bench/_callgrind-names.ts then names the JIT code in callgrind_annotate's
 * output). The dumps stay in the temp directory printed at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { callgrindArgs, countInstructions } from './_callgrind';
import { requestFrame } from './_ipc-floors';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20000);
const REWARM = Number(process.env.BENCH_REWARM ?? 20000);
const TRANSPORT = process.env.BENCH_TRANSPORT === 'tcp' ? 'tcp' : 'unix';
const CLIENTS = 16;

type Target = string | number;

interface Endpoint {
  tcp: number;
  path: string;
}

/** `total` requests from CLIENTS closed-loop clients, each on a new connection, sharing the count. */
function fire(target: Target, request: Buffer, total: number): Promise<void> {
  const perClient = Math.ceil(total / CLIENTS);
  const client = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = typeof target === 'number' ? net.connect(target, '127.0.0.1') : net.connect(target);
      let left = perClient;
      let buffered: Buffer = Buffer.alloc(0);
      socket.on('error', reject);
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk: Buffer) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        while (buffered.length >= 4) {
          const length = buffered.readUInt32BE(0);
          if (buffered.length < 4 + length) break;
          buffered = buffered.subarray(4 + length);
          left -= 1;
          if (left > 0) socket.write(request);
          else {
            socket.destroy();
            resolve();
            return;
          }
        }
      });
    });
  return Promise.all(Array.from({ length: CLIENTS }, client)).then(() => undefined);
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'na-bench-ipc-callgrind-'));
  const outFile = join(outDir, 'callgrind.ipc');
  const nodeArgs = [
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
    '--import',
    'tsx',
    join(__dirname, 'ipc.ts'),
    '--serve',
  ];
  const child = spawn('valgrind', callgrindArgs(outFile, join(outDir, 'valgrind.txt'), nodeArgs), {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the servers' child exited with ${code}`)));
  });
  const endpoints = JSON.parse(first) as Record<'full' | 'json' | 'bare', Endpoint> & { account: string };
  const target = (server: 'full' | 'json' | 'bare'): Target =>
    TRANSPORT === 'tcp' ? endpoints[server].tcp : endpoints[server].path;
  const messages = [
    { name: 'IsAlive', request: requestFrame(JSON.stringify({ message_type: 'IsAlive', message: {} })) },
    {
      name: 'AccountWeight',
      request: requestFrame(JSON.stringify({ message_type: 'AccountWeight', message: { account: endpoints.account } })),
    },
  ];
  const servers = [
    { key: 'full', label: 'IPC server' },
    { key: 'json', label: 'JSON floor' },
    { key: 'bare', label: 'bare floor' },
  ] as const;
  try {
    const rows: string[] = [];
    for (const message of messages) {
      const counted: Record<string, { main: number; all: number }> = {};
      for (const server of servers) {
        for (let batch = 0; batch < 3; batch++) await fire(target(server.key), message.request, REWARM);
        counted[server.key] = await countInstructions(child.pid!, outFile, REQUESTS, () =>
          fire(target(server.key), message.request, REQUESTS),
        );
      }
      const { full, json, bare } = counted;
      rows.push(
        `| ${message.name} | ${Math.round(full.main)} (${Math.round(full.all)}) | ${Math.round(json.main)} (${Math.round(json.all)}) | ${Math.round(bare.main)} (${Math.round(bare.all)}) | ${(json.main / full.main).toFixed(2)}× | ${(bare.main / full.main).toFixed(2)}× |`,
      );
    }
    process.stdout.write(
      `\nInstructions per IPC request under callgrind (${CLIENTS} clients, ${TRANSPORT} socket, ${REQUESTS} requests counted after warm-up, Node ${process.version}): main thread (all threads)\n\n`,
    );
    process.stdout.write(
      '| message | IPC server | JSON floor | bare floor | JSON floor / IPC server | bare floor / IPC server |\n',
    );
    process.stdout.write('|---|---:|---:|---:|---:|---:|\n');
    for (const row of rows) process.stdout.write(`${row}\n`);
    process.stdout.write(`\nDumps: ${outDir}\n`);
  } finally {
    child.stdin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
