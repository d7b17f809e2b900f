import type { Command } from 'commander';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { readPolicyFor } from '../load';
import { describeUser } from '../describe';

interface CheckOptions {
  config: string;
  user?: string;
  permission: string;
  catalog?: string;
  json?: boolean;
}

/** `nano-access check`: may these credentials do this? Exit 0 allowed, 1 denied, 2 broken file or call. */
export function registerCheck(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('check')
    .description('Decide whether a user has a permission (exit 0 allowed, 1 denied, 2 error).')
    .requiredOption('-c, --config <file>', 'the access file (config-access.toml)')
    .option('-u, --user <id>', 'the credentials (API key); absent or "" is the default user')
    .requiredOption('-p, --permission <name>', 'the permission to check')
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('--json', 'print the decision as JSON')
    .action(async (options: CheckOptions) => {
      result.exitCode = await runCheck(options, io);
    });
}

async function runCheck(options: CheckOptions, io: CliIO): Promise<number> {
  const policy = await readPolicyFor(options, io);
  if (!policy) return ExitCode.usage;

  const allowed = policy.check(options.user, options.permission);
  const explanation = policy.explain(options.user);
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ user: { kind: explanation.user.kind }, permission: options.permission, allowed })}\n`);
  } else {
    io.stdout.write(`${allowed ? 'allowed' : 'denied'}: ${options.permission} for ${describeUser(explanation)}\n`);
  }
  return allowed ? ExitCode.ok : ExitCode.findings;
}
