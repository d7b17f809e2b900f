import { readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  formatNames,
  formatters,
  lintText,
  parseRuleSettings,
  rules,
  rulesById,
  type FormatName,
  type LintResult,
  type RuleSettings,
} from '@nano-access/linter';
import { DEFAULT_ACCESS_FILE } from '@nano-access/parser';
import type { Catalog } from '@nano-access/resolver';
import { CliErrorCode } from '../errors';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { readAccessText, readCatalog, writeError } from '../load';
import { findRepoRoot } from '../repo-root';
import { version } from '../version';

interface LintOptions {
  format: FormatName;
  maxWarnings: number;
  quiet?: boolean;
  catalog?: string;
  rule: string[];
  stdinFilename?: string;
  outputFile?: string;
  color?: boolean;
  showIds?: boolean;
}

const ACCESS_FILE_IN_DIRECTORY = /^config-access.*\.toml$/;
/** Policy tests (`nano-access test`) may sit beside the access file under its name: never lint them as access files. */
const TEST_FILE_SUFFIX = '.access-test.toml';

/**
 * `nano-access lint`: the access-file linter. Exit codes as ESLint's: 0 no
 * errors and warnings within --max-warnings; 1 errors or too many warnings;
 * 2 usage, unreadable file or bad catalog.
 */
export function registerLint(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('lint')
    .description('Lint access files (config-access.toml): errors a server would refuse, and warnings.')
    .argument(
      '[paths...]',
      `files, directories (every config-access*.toml in them) or - for standard input; default ${DEFAULT_ACCESS_FILE}`,
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatNames).default('stylish'))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', parseCount, -1)
    .option('--quiet', 'report errors only')
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('--rule <id=level>', 'set a warning rule to off, warning or error (repeatable)', collect, [])
    .option('--stdin-filename <name>', 'the name to report standard input under')
    .option('-o, --output-file <file>', 'write the report to a file instead of standard output')
    .option('--color', 'force colour in the stylish format')
    .option('--no-color', 'never colour')
    .option(
      '--show-ids',
      'print user ids that messages quote (an id pasted into roles, say) in full; masked by default',
    )
    .action(async (paths: string[], options: LintOptions) => {
      result.exitCode = await runLint(paths, options, io);
    });
}

function parseCount(value: string): number {
  if (!/^-?\d+$/.test(value) || Number(value) < -1)
    throw new InvalidArgumentError('expected a whole number (-1 for no limit)');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runLint(paths: string[], options: LintOptions, io: CliIO): Promise<number> {
  const settings = parseRuleSettings(rulesById, options.rule);
  if (settings.problems.length > 0) {
    for (const problem of settings.problems) io.stderr.write(`nano-access lint: --rule: ${problem}\n`);
    return ExitCode.usage;
  }
  const catalog = await readCatalog(options.catalog, io);
  if (!catalog.ok) {
    writeError(io, catalog);
    return ExitCode.usage;
  }
  const targets = await expandPaths(paths.length === 0 ? [DEFAULT_ACCESS_FILE] : paths, io);
  let failed = targets.failed;
  const results: LintResult[] = [];
  for (const target of targets.files) {
    const linted = await lintOne(target, options, settings.settings, catalog.value, io);
    if (linted) results.push(options.quiet ? errorsOnly(linted) : linted);
    else failed = true;
  }

  // --color / --no-color win; otherwise colour only for a terminal, and never when NO_COLOR is set.
  const color =
    options.color ??
    (io.stdout.isTTY === true && options.outputFile === undefined && !io.env.NO_COLOR && io.env.FORCE_COLOR !== '0');
  const report = formatters[options.format](results, {
    cwd: io.cwd,
    repoRoot: findRepoRoot(io.cwd),
    color,
    rules,
    toolVersion: version,
  });
  if (options.outputFile !== undefined) {
    try {
      await writeFile(resolve(io.cwd, options.outputFile), report);
    } catch (error) {
      writeError(io, {
        code: CliErrorCode.fileUnreadable,
        message: `cannot write ${options.outputFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      return ExitCode.usage;
    }
  } else {
    io.stdout.write(report);
  }

  if (failed) return ExitCode.usage;
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return ExitCode.findings;
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings) {
    io.stderr.write(`nano-access lint: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}.\n`);
    return ExitCode.findings;
  }
  return ExitCode.ok;
}

type Target = { kind: 'stdin' } | { kind: 'file'; path: string };

/** Files to lint: `-` is standard input, a directory gives its config-access*.toml files (sorted). */
async function expandPaths(paths: readonly string[], io: CliIO): Promise<{ files: Target[]; failed: boolean }> {
  const files: Target[] = [];
  let failed = false;
  for (const path of paths) {
    if (path === '-') {
      files.push({ kind: 'stdin' });
      continue;
    }
    let isDirectory = false;
    try {
      isDirectory = (await stat(resolve(io.cwd, path))).isDirectory();
    } catch {
      // A missing file is reported when it is read, with the reason.
    }
    if (!isDirectory) {
      files.push({ kind: 'file', path });
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(resolve(io.cwd, path)))
        .filter((name) => ACCESS_FILE_IN_DIRECTORY.test(name) && !name.endsWith(TEST_FILE_SUFFIX))
        .sort();
    } catch (error) {
      writeError(io, {
        code: CliErrorCode.fileUnreadable,
        message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      failed = true;
      continue;
    }
    if (names.length === 0) {
      writeError(io, { code: CliErrorCode.fileUnreadable, message: `no config-access*.toml file in ${path}` });
      failed = true;
    }
    for (const name of names) files.push({ kind: 'file', path: join(path, name) });
  }
  return { files, failed };
}

async function lintOne(
  target: Target,
  options: LintOptions,
  settings: RuleSettings,
  catalog: Catalog,
  io: CliIO,
): Promise<LintResult | null> {
  const path = target.kind === 'stdin' ? '-' : target.path;
  // The servers' reader: a FIFO, an oversized or a non-UTF-8 file is refused here as it is there.
  const file = target.kind === 'stdin' ? (options.stdinFilename ?? '<stdin>') : target.path;
  const read = await readAccessText(path, io, file);
  if (!read.ok) {
    writeError(io, read);
    return null;
  }
  // The modes and owners feed file-mode (the servers' own judgment); standard input has none.
  return lintText(read.value.text, {
    file,
    catalog,
    fileFacts: read.value.facts ?? undefined,
    rules: settings,
    showIds: options.showIds,
  });
}

function errorsOnly(result: LintResult): LintResult {
  return { ...result, messages: result.messages.filter((m) => m.severity === 'error'), warningCount: 0 };
}
