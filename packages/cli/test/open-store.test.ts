import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import type { CliIO } from '@nano-access/cli';
import { DEFAULT_ACCESS_FILE } from '@nano-access/parser';
import { openPolicyStore } from '../src/open-store';
import { runCli } from './helpers/run-cli';

// `gateway` and `serve` open the access file with openPolicyStore; `lint` reports its modes with the
// file-mode rule. Both judge with judgeFileSafety, so a file the servers refuse is a file lint calls
// an error, and the other way round: this walks the modes to show it.

const ACCESS = '[[user]]\nid = "app-6f2d9a14-3c8e-4b71-a05d-e9c2b7f41a38"\nallow = "wallet_read"\n';

function silentIo(): CliIO & { stderrText(): string } {
  let stderr = '';
  return {
    stdout: { write: () => true },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from([]),
    cwd: process.cwd(),
    env: {},
    stderrText: () => stderr,
  };
}

interface Verdict {
  mode: string;
  refusedByServers: boolean;
  fileModeErrorInLint: boolean;
}

async function judge(fileMode: number, directoryMode: number): Promise<Verdict> {
  const dir = mkdtempSync(join(tmpdir(), 'na-open-store-'));
  const file = join(dir, DEFAULT_ACCESS_FILE);
  try {
    writeFileSync(file, ACCESS);
    chmodSync(file, fileMode);
    chmodSync(dir, directoryMode);
    const store = await openPolicyStore(file, pino({ level: 'silent' }), silentIo());
    await store?.close();
    const lint = await runCli(['lint', '--format', 'json', file]);
    const [result] = JSON.parse(lint.stdout) as Array<{ messages: Array<{ ruleId: string; severity: string }> }>;
    return {
      mode: `${fileMode.toString(8)} in ${directoryMode.toString(8)}`,
      refusedByServers: store === null,
      fileModeErrorInLint: result.messages.some((m) => m.ruleId === 'file-mode' && m.severity === 'error'),
    };
  } finally {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('openPolicyStore (gateway, serve) and lint judge a file by its modes alike', () => {
  it('refuses exactly the files whose file-mode finding is an error, for file and directory modes', async () => {
    const cases: Array<[number, number]> = [
      [0o600, 0o700],
      [0o400, 0o700],
      [0o640, 0o700],
      [0o644, 0o755],
      [0o604, 0o700],
      [0o620, 0o700],
      [0o602, 0o700],
      [0o660, 0o700],
      [0o666, 0o700],
      [0o600, 0o770],
      [0o600, 0o757],
      [0o600, 0o777],
    ];
    const verdicts: Verdict[] = [];
    for (const [fileMode, directoryMode] of cases) verdicts.push(await judge(fileMode, directoryMode));
    for (const verdict of verdicts)
      expect({ mode: verdict.mode, refused: verdict.refusedByServers }).toEqual({
        mode: verdict.mode,
        refused: verdict.fileModeErrorInLint,
      });
    // Both outcomes occur, so agreement is not one side always saying the same.
    expect(verdicts.filter((v) => v.refusedByServers).map((v) => v.mode)).toEqual([
      '620 in 700',
      '602 in 700',
      '660 in 700',
      '666 in 700',
      '600 in 770',
      '600 in 757',
      '600 in 777',
    ]);
  });
});
