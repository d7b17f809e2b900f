import { writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Option, type Command } from 'commander';
import {
  diffFormatNames,
  diffFormatters,
  diffTexts,
  formatters,
  repoRelativePath,
  rules,
  type DiffFormatName,
  type LintResult,
  type PolicyDiff,
} from '@nano-access/linter';
import type { Diagnostic } from '@nano-access/parser';
import { CliErrorCode } from '../errors';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { readCatalog, writeError } from '../load';
import { readSource, sourceOf, type Source } from '../read-source';
import { findRepoRoot } from '../repo-root';

type FailOn = 'gain' | 'loss' | 'any';

interface DiffOptions {
  format: DiffFormatName;
  failOn?: FailOn;
  catalog?: string;
  outputFile?: string;
}

/**
 * `nano-access diff OLD NEW`: who gains and who loses which permissions.
 * Exit 0, or 1 when --fail-on matches; 2 when either file cannot be read or
 * has errors (printed as lint prints them).
 */
export function registerDiff(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('diff')
    .description('Show, user by user, the permissions gained and lost between two access files (ids masked).')
    .argument(
      '<old>',
      'the access file before: a path, - for standard input, or REV:PATH read with git show (origin/main:config-access.toml)',
    )
    .argument('<new>', 'the access file after, in the same forms')
    .addOption(new Option('-f, --format <format>', 'output format').choices(diffFormatNames).default('text'))
    .addOption(
      new Option('--fail-on <change>', 'exit 1 when a user gains (gain), loses (loss) or either (any)').choices([
        'gain',
        'loss',
        'any',
      ]),
    )
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('-o, --output-file <file>', 'write the report to a file instead of standard output')
    .action(async (oldArgument: string, newArgument: string, options: DiffOptions) => {
      result.exitCode = await runDiff(oldArgument, newArgument, options, io);
    });
}

async function runDiff(oldArgument: string, newArgument: string, options: DiffOptions, io: CliIO): Promise<number> {
  const catalog = await readCatalog(options.catalog, io);
  if (!catalog.ok) {
    writeError(io, catalog);
    return ExitCode.usage;
  }
  const oldSource = sourceOf(oldArgument, io.cwd);
  const newSource = sourceOf(newArgument, io.cwd);
  if (oldSource.kind === 'stdin' && newSource.kind === 'stdin') {
    io.stderr.write('nano-access diff: standard input (-) can be only one of the two files\n');
    return ExitCode.usage;
  }
  const [oldText, newText] = await Promise.all([readSource(oldSource, io), readSource(newSource, io)]);
  if (!oldText.ok) writeError(io, oldText);
  if (!newText.ok) writeError(io, newText);
  if (!oldText.ok || !newText.ok) return ExitCode.usage;

  const outcome = diffTexts(
    { text: oldText.value, file: nameOf(oldSource) },
    { text: newText.value, file: nameOf(newSource) },
    { catalog: catalog.value },
  );
  if (!outcome.diff) {
    writeBroken(io, options.format, nameOf(oldSource), outcome.oldDiagnostics);
    writeBroken(io, options.format, nameOf(newSource), outcome.newDiagnostics);
    return ExitCode.usage;
  }

  const report = diffFormatters[options.format](outcome.diff, { annotationFile: annotationPath(newSource, io.cwd) });
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
  return failOnMatches(outcome.diff, options.failOn) ? ExitCode.findings : ExitCode.ok;
}

function nameOf(source: Source): string {
  return source.kind === 'stdin' ? '<stdin>' : source.name;
}

/** A file's errors as `lint` prints them (stylish on stderr; github also annotates, on stdout). */
function writeBroken(io: CliIO, format: DiffFormatName, file: string, diagnostics: readonly Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const result: LintResult = {
    filePath: file,
    messages: errors,
    suppressedMessages: [],
    errorCount: errors.length,
    warningCount: 0,
    loadable: false,
  };
  const context = { cwd: io.cwd, repoRoot: findRepoRoot(io.cwd), rules, color: false };
  if (format === 'github') io.stdout.write(formatters.github([result], context));
  else
    io.stderr.write(formatters.stylish([result], { ...context, color: io.stderr.isTTY === true && !io.env.NO_COLOR }));
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  writeError(io, { code: CliErrorCode.policyInvalid, message: `${file} has ${count}; no server would activate it` });
}

/** Where GitHub places NEW's annotations: its path from the repository root. */
function annotationPath(source: Source, cwd: string): string {
  if (source.kind === 'stdin') return '<stdin>';
  const root = findRepoRoot(cwd);
  if (source.kind === 'file') return repoRelativePath(source.path, cwd, root);
  // git reads REV:PATH from the repository root, and REV:./PATH from the working directory.
  if (!/^\.\.?\//.test(source.path)) return source.path;
  const absolute = resolve(cwd, source.path);
  const fromRoot = relative(root, absolute);
  return fromRoot.startsWith('..') || isAbsolute(fromRoot) ? source.path : fromRoot.split(sep).join('/');
}

function failOnMatches(diff: PolicyDiff, failOn: FailOn | undefined): boolean {
  if (failOn === undefined) return false;
  const gained = diff.users.some((user) => user.gained.length > 0);
  const lost = diff.users.some((user) => user.lost.length > 0);
  return failOn === 'gain' ? gained : failOn === 'loss' ? lost : gained || lost;
}
