import { Option, type Command } from 'commander';
import { escapeControls, escapeControlsInJson } from '@nano-access/parser';
import { API_KEY_ENV, readCredentials } from '../credentials';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { readPolicyFor, writeError } from '../load';
import { describeUser } from '../describe';

interface CheckOptions {
  config: string;
  user?: string;
  userFile?: string;
  permission: string;
  catalog?: string;
  json?: boolean;
  showIds?: boolean;
}

/** `nano-access check`: may these credentials do this? Exit 0 allowed, 1 denied, 2 broken file or call. */
export function registerCheck(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('check')
    .description('Decide whether a user has a permission (exit 0 allowed, 1 denied, 2 error).')
    .requiredOption('-c, --config <file>', 'the access file (config-access.toml)')
    .addOption(userOption())
    .addOption(userFileOption())
    .requiredOption('-p, --permission <name>', 'the permission to check')
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('--json', 'print the decision as JSON')
    .addOption(showIdsOption())
    .action(async (options: CheckOptions) => {
      result.exitCode = await runCheck(options, io);
    });
}

/** `--user`, shared by check and explain. */
export function userOption(): Option {
  return new Option(
    '-u, --user <id>',
    `the credentials (API key); absent (and no --user-file or ${API_KEY_ENV}) or "" is the default user`,
  );
}

/** `--user-file`, shared by check and explain: the key stays out of `ps` and the shell history. */
export function userFileOption(): Option {
  return new Option(
    '--user-file <file>',
    `read the credentials from a file (- for standard input; one final line break is dropped); ${API_KEY_ENV} is read when neither is given`,
  ).conflicts('user');
}

/** `--show-ids`, shared by check, explain, lint and matrix. */
export function showIdsOption(): Option {
  return new Option(
    '--show-ids',
    'print user ids in full (they are credentials: masked to their last characters by default)',
  );
}

async function runCheck(options: CheckOptions, io: CliIO): Promise<number> {
  const user = await readCredentials({ value: options.user, file: options.userFile, fileOption: '--user-file' }, io);
  if (!user.ok) {
    writeError(io, user);
    return ExitCode.usage;
  }
  const policy = await readPolicyFor(options, io);
  if (!policy) return ExitCode.usage;

  const allowed = policy.check(user.value, options.permission);
  const explanation = policy.explain(user.value);
  if (options.json) {
    io.stdout.write(
      `${escapeControlsInJson(JSON.stringify({ user: { kind: explanation.user.kind }, permission: options.permission, allowed }))}\n`,
    );
  } else {
    io.stdout.write(
      `${escapeControls(`${allowed ? 'allowed' : 'denied'}: ${options.permission} for ${describeUser(explanation, options.showIds)}`)}\n`,
    );
  }
  return allowed ? ExitCode.ok : ExitCode.findings;
}
