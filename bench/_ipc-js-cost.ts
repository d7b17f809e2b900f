/**
 * The IPC server's JavaScript per request, without the kernel: the real connection
 * (`IpcConnection`: frame parser, budgets, dispatcher, embedded backend, the ASCII answer and
 * the end-of-turn flush) on 16 stand-in sockets that take each answer at once, against the JSON
 * floor's handler of `bench/ipc.ts` on 16 more. Each turn gives every socket one request (one
 * `data` event each, as 16 clients' reads in one turn of the event loop), then yields a
 * `setImmediate` so the connections' flush runs. ns per request, wall time in this one process,
 * medians of rounds that alternate the two; the difference is what the server's JavaScript costs
 * above the floor's, which `bench/ipc.ts` cannot separate from the kernel's share.
 *
 *   npx tsc -b && npx tsx bench/_ipc-js-cost.ts            (MESSAGE=IsAlive for the other request)
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import pino from 'pino';
import { IpcConnection } from '../packages/ipc-server/src/connection';
import { EventBudget, InflightBudget } from '../packages/ipc-server/src/budgets';
import { fixtureEngine } from './_fixture-engine';
import { requestFrame, serveJsonFloor } from './_ipc-floors';

const MESSAGE = process.env.MESSAGE ?? 'AccountWeight';
const TURNS = Number(process.env.BENCH_TURNS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CLIENTS = 16;

/** What a connection uses of a net.Socket; every write is taken at once. */
class StandInSocket extends EventEmitter {
  readonly remoteAddress = undefined;
  destroyed = false;
  writableLength = 0;
  written = 0;
  setNoDelay(): void {}
  pause(): void {}
  resume(): void {}
  isPaused(): boolean {
    return false;
  }
  cork(): void {}
  uncork(): void {}
  write(bytes: Buffer, done?: () => void): boolean {
    this.written += bytes.length;
    done?.();
    return true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** ns per request over TURNS turns of one request per socket; each request a Buffer of its own, as a read gives. */
async function nsPerRequest(sockets: StandInSocket[], request: Buffer): Promise<number> {
  const start = process.hrtime.bigint();
  for (let turn = 0; turn < TURNS; turn++) {
    for (const socket of sockets) {
      const chunk = Buffer.allocUnsafe(request.length);
      request.copy(chunk);
      socket.emit('data', chunk);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Number(process.hrtime.bigint() - start) / (TURNS * sockets.length);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function main(): Promise<void> {
  const { rep, dispatcher } = await fixtureEngine();
  const options = {
    dispatcher,
    logger: pino({ level: 'silent' }),
    transport: 'local' as const,
    allowUnsafe: false,
    ioTimeoutMs: 15_000,
    maxFrameBytes: 1 << 20,
    secret: null,
    inflight: new InflightBudget(64 << 20),
    events: new EventBudget<IpcConnection>(64 << 20),
  };
  const full = Array.from({ length: CLIENTS }, () => new StandInSocket());
  for (const socket of full) new IpcConnection(socket as unknown as Socket, options);
  const floor = Array.from({ length: CLIENTS }, () => new StandInSocket());
  for (const socket of floor) serveJsonFloor(socket, rep.weight);
  const request = requestFrame(
    JSON.stringify(
      MESSAGE === 'IsAlive'
        ? { message_type: 'IsAlive', message: {} }
        : { message_type: 'AccountWeight', message: { account: rep.account } },
    ),
  );
  await nsPerRequest(full, request); // warm-up: JIT, and the validators compiled on first use
  await nsPerRequest(floor, request);
  const fullNs: number[] = [];
  const floorNs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    fullNs.push(await nsPerRequest(full, request));
    floorNs.push(await nsPerRequest(floor, request));
  }
  if (full.some((socket) => socket.written === 0)) throw new Error('a connection answered nothing');
  const a = median(fullNs);
  const b = median(floorNs);
  process.stdout.write(
    `${MESSAGE}, ${CLIENTS} connections, medians of ${ROUNDS} alternating rounds of ${TURNS} turns: ` +
      `full ${a.toFixed(0)} ns/request, JSON floor ${b.toFixed(0)} ns/request, difference ${(a - b).toFixed(0)} ns\n`,
  );
}

void main();
