/**
 * The protocol Dispatcher's cost per request, in process: each stage of an
 * AccountWeight (and IsAlive) request timed alone in a tight loop, then the
 * whole path as the IPC server runs it (payload → JSON.parse → handleEnvelope →
 * ASCII JSON → response frame), against a floor (JSON.parse of the payload and
 * JSON.stringify of a constant answer, what the bare node:net server of
 * bench/ipc.ts would do if it read the request). CPU µs per request, median of
 * alternating rounds; the machine is shared, so read the ratios.
 *
 *   npx tsc -b && npx tsx bench/dispatcher.ts
 */
import {
  encodeAsciiJson,
  errorEnvelope,
  isValidAccount,
  makeEnvelope,
  stringifyAscii,
  validateMessage,
  validateRequestEnvelope,
} from '@nano-access/protocol';
import type { ResponseEnvelope } from '@nano-access/protocol';
import { blake2b } from '@nano-access/protocol';
import { fixtureEngine } from './_fixture-engine';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100_000);

type Stage = { name: string; run: (n: number) => unknown };

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function time(stage: Stage, n: number): Promise<number> {
  const start = cpuMicros();
  await stage.run(n);
  return (cpuMicros() - start) / n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

let sink = 0;

async function main(): Promise<void> {
  const { rep, store, backend, dispatcher } = await fixtureEngine();
  const policy = store.current;

  const weightPayload = Buffer.from(
    JSON.stringify({ message_type: 'AccountWeight', message: { account: rep.account } }),
  );
  const alivePayload = Buffer.from(JSON.stringify({ message_type: 'IsAlive', message: {} }));
  const constant = stringifyAscii({
    time: Date.now(),
    message_type: 'AccountWeightResponse',
    message: { voting_weight: rep.weight },
  });
  const parsedWeight = JSON.parse(weightPayload.toString('utf8')) as { message: { account: string } };
  const response: ResponseEnvelope = {
    time: Date.now(),
    message_type: 'AccountWeightResponse',
    message: { voting_weight: rep.weight },
  };
  const key = new Uint8Array(32).fill(7);

  // Sanity: the whole path answers the real weight, not an error.
  const check = await dispatcher.handleEnvelope(JSON.parse(weightPayload.toString('utf8')), { transport: 'ipc' });
  if (check.message_type !== 'AccountWeightResponse') throw new Error(`unexpected answer ${JSON.stringify(check)}`);

  const full = (payload: Buffer) => async (n: number) => {
    for (let i = 0; i < n; i++) {
      const value = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      const out = await dispatcher.handleEnvelope(value, {
        transport: 'ipc',
        credentials: undefined,
        correlationId: undefined,
      });
      sink += encodeAsciiJson(out, 4).length; // the IPC server's answer bytes, the frame's length before them
    }
  };
  const stages: Stage[] = [
    {
      name: 'floor: JSON.parse(payload) + constant answer',
      run: (n) => {
        for (let i = 0; i < n; i++) {
          const value = JSON.parse(weightPayload.toString('utf8')) as Record<string, unknown>;
          sink += Buffer.from(constant, 'latin1').length + (value === null ? 1 : 0);
        }
      },
    },
    {
      name: 'JSON.parse(payload)',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += JSON.parse(weightPayload.toString('utf8')) === null ? 1 : 0;
      },
    },
    {
      name: 'validateRequestEnvelope',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += validateRequestEnvelope(parsedWeight).ok ? 1 : 0;
      },
    },
    {
      name: 'validateMessage(AccountWeight)',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += validateMessage('AccountWeight', parsedWeight.message).ok ? 1 : 0;
      },
    },
    {
      name: 'isValidAccount (BLAKE2b-40)',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += isValidAccount(parsedWeight.message.account) ? 1 : 0;
      },
    },
    {
      name: 'blake2b(32 bytes, 5)',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += blake2b(key, 5)[0];
      },
    },
    {
      name: 'authorize (messagePermission + check)',
      run: (n) => {
        for (let i = 0; i < n; i++) {
          const p = policy.messagePermission('AccountWeight');
          sink += p == null ? 1 : policy.check(undefined, p) ? 1 : 0;
        }
      },
    },
    {
      name: 'backend.message(AccountWeight)',
      run: async (n) => {
        for (let i = 0; i < n; i++) sink += (await backend.message('AccountWeight', parsedWeight.message)).ok ? 1 : 0;
      },
    },
    {
      name: 'makeEnvelope',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += makeEnvelope('AccountWeightResponse', response.message).time;
      },
    },
    {
      name: 'errorEnvelope',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += errorEnvelope(3, 'Access denied').time;
      },
    },
    {
      name: 'encodeAsciiJson(answer)',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += encodeAsciiJson(response, 4).length;
      },
    },
    { name: 'full: IsAlive', run: full(alivePayload) },
    { name: 'full: AccountWeight', run: full(weightPayload) },
  ];

  for (const stage of stages) await time(stage, ITERATIONS); // warm the JIT
  const results = new Map<string, number[]>(stages.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const stage of stages) results.get(stage.name)!.push(await time(stage, ITERATIONS));
  }
  const floor = median(results.get(stages[0].name)!);
  process.stdout.write(
    `\nDispatcher cost per request, in process (CPU µs/request, median of ${ROUNDS} rounds of ${ITERATIONS}, Node ${process.version})\n\n`,
  );
  process.stdout.write('| stage | CPU µs/request | × floor |\n|---|---:|---:|\n');
  for (const stage of stages) {
    const us = median(results.get(stage.name)!);
    process.stdout.write(`| ${stage.name} | ${us.toFixed(3)} | ${(us / floor).toFixed(2)}× |\n`);
  }
  if (sink === 42) process.stdout.write('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
