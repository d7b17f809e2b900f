import type { Command } from 'commander';
import { maskId } from '@nano-access/linter';
import { escapeControlsInJson } from '@nano-access/parser';
import { readCredentials } from '../credentials';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { readPolicyFor, writeError } from '../load';
import { formatExplanation } from '../describe';
import { showIdsOption, userFileOption, userOption } from './check';

interface ExplainOptions {
  config: string;
  user?: string;
  userFile?: string;
  permission?: string;
  catalog?: string;
  json?: boolean;
  showIds?: boolean;
}

/** `nano-access explain`: which permissions a user has, and where one came from. */
export function registerExplain(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('explain')
    .description("Show a user's effective permissions and how a permission was granted or denied.")
    .requiredOption('-c, --config <file>', 'the access file (config-access.toml)')
    .addOption(userOption())
    .addOption(userFileOption())
    .option('-p, --permission <name>', 'explain this permission')
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('--json', 'print the explanation as JSON')
    .addOption(showIdsOption())
    .action(async (options: ExplainOptions) => {
      result.exitCode = await runExplain(options, io);
    });
}

async function runExplain(options: ExplainOptions, io: CliIO): Promise<number> {
  const user = await readCredentials({ value: options.user, file: options.userFile, fileOption: '--user-file' }, io);
  if (!user.ok) {
    writeError(io, user);
    return ExitCode.usage;
  }
  const permission = options.permission;
  const policy = await readPolicyFor(options, io);
  if (!policy) return ExitCode.usage;

  const explanation = policy.explain(user.value, permission);
  if (options.json) {
    // Ids are secrets: the JSON carries the masked id, as every other output does (unless --show-ids).
    const id = options.showIds === true ? explanation.user.id : maskId(explanation.user.id);
    const shown = { ...explanation, user: { id, kind: explanation.user.kind } };
    io.stdout.write(`${escapeControlsInJson(JSON.stringify(shown, null, 2))}\n`);
  } else {
    io.stdout.write(formatExplanation(explanation, options.showIds));
  }
  return ExitCode.ok;
}
