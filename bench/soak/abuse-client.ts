/**
 * The abusive clients of phases 3-5 and 8 in their own process, so their thousand
 * sockets do not share an event loop with the steady load whose throughput is
 * being measured. Prints one JSON line with the result.
 *
 *   node --import tsx bench/soak/abuse-client.ts '<json task>'
 */
import { IpcClient } from '@nano-access/ipc-server';
import { connectionFlood, dribbledHeaders, fuzz, stalledPreambles } from './abuse';
import { runIpcBudgetTask, type IpcBudgetTask } from './ipc-budgets';
import { prng } from './policies';

export type AbuseTask =
  | {
      kind: 'slow';
      tcpPort: number;
      socketPath: string;
      httpPort: number;
      stalled: number;
      dribblers: number;
      ipcWaitMs: number;
      httpWaitMs: number;
    }
  | { kind: 'flood'; tcpPort: number; socketPath: string; count: number; holdMs: number }
  | { kind: 'fuzz'; tcpPort: number; socketPath: string; httpPort: number; cases: number; seed: number }
  | IpcBudgetTask;

async function run(task: AbuseTask): Promise<unknown> {
  switch (task.kind) {
    case 'slow': {
      const [stalled, dribbled] = await Promise.all([
        stalledPreambles(task, task.stalled, task.ipcWaitMs),
        dribbledHeaders(task.httpPort, task.dribblers, task.httpWaitMs),
      ]);
      return { stalled, dribbled };
    }
    case 'flood': {
      const probe = async (): Promise<boolean> => {
        const client = new IpcClient({ host: '127.0.0.1', port: task.tcpPort, timeoutMs: 5000, env: {} });
        try {
          const answer = await client.call({ message_type: 'IsAlive', message: {} });
          return answer.message_type !== 'Error';
        } catch {
          return false;
        } finally {
          await client.close().catch(() => undefined);
        }
      };
      return connectionFlood(task, task.count, task.holdMs, probe);
    }
    case 'fuzz': {
      const result = await fuzz(task, task.cases, prng(task.seed));
      return {
        ...result,
        httpStatuses: [...result.httpStatuses.entries()],
        rawStatuses: [...result.rawStatuses.entries()],
      };
    }
    case 'idle-tcp':
    case 'partial-frames':
      return runIpcBudgetTask(task);
  }
}

run(JSON.parse(process.argv[2]) as AbuseTask)
  .then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
  })
  .catch((error: unknown) => {
    process.stderr.write(`abuse-client: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  });
