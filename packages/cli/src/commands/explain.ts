import type { Command } from 'commander';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { maskId } from '@nano-access/linter';
import { readPolicyFor } from '../load';
import { formatExplanation } from '../describe';

interface ExplainOptions {
  config: string;
  user?: string;
  permission?: string;
  catalog?: string;
  json?: boolean;
}

/** `nano-access explain`: which permissions a user has, and where one came from. */
export function registerExplain(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('explain')
    .description("Show a user's effective permissions and how a permission was granted or denied.")
    .requiredOption('-c, --config <file>', 'the access file (config-access.toml)')
    .option('-u, --user <id>', 'the credentials (API key); absent or "" is the default user')
    .option('-p, --permission <name>', 'explain this permission')
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('--json', 'print the explanation as JSON')
    .action(async (options: ExplainOptions) => {
      result.exitCode = await runExplain(options, io);
    });
}

async function runExplain(options: ExplainOptions, io: CliIO): Promise<number> {
  const permission = options.permission;
  const policy = await readPolicyFor(options, io);
  if (!policy) return ExitCode.usage;

  const explanation = policy.explain(options.user, permission);
  if (options.json) {
    // Ids are secrets: the JSON carries the masked id, as every other output does.
    const shown = { ...explanation, user: { id: maskId(explanation.user.id), kind: explanation.user.kind } };
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  } else {
    io.stdout.write(formatExplanation(explanation));
  }
  return ExitCode.ok;
}
