import { readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Option, type Command } from 'commander';
import {
  accessTestFormatNames,
  accessTestFormatters,
  accessTestResultOf,
  maskIdsInDiagnostics,
  parseAccessTest,
  runAccessTest,
  type AccessTestFormatName,
  type AccessTestResult,
  type PolicyUnderTest,
} from '@nano-access/linter';
import { DEFAULT_ACCESS_FILE } from '@nano-access/parser';
import { loadPolicy, type Catalog } from '@nano-access/resolver';
import { CliErrorCode } from '../errors';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { readAccessText, readCatalog, writeError } from '../load';
import { findRepoRoot } from '../repo-root';

interface TestOptions {
  format: AccessTestFormatName;
  config?: string;
  catalog?: string;
  outputFile?: string;
  color?: boolean;
}

const TEST_FILE = '.access-test.toml';
/** Directories a search never enters: dependencies and dot-directories (.git). */
const SKIPPED_DIRECTORY = (name: string): boolean => name.startsWith('.') || name === 'node_modules';

/**
 * `nano-access test [paths…]`: runs the expectations of every
 * `*.access-test.toml` under the paths. Exit 0 all pass; 1 an expectation
 * failed; 2 a test file or its access file is broken, or usage.
 */
export function registerTest(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('test')
    .description('Check pinned decisions: run the expectations of *.access-test.toml files against their access files.')
    .argument('[paths...]', `test files, or directories searched for *${TEST_FILE} (default: the current directory)`)
    .addOption(new Option('-f, --format <format>', 'output format').choices(accessTestFormatNames).default('stylish'))
    .option('-c, --config <file>', 'the access file to test, instead of each test file\'s "policy"')
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('-o, --output-file <file>', 'write the report to a file instead of standard output')
    .option('--color', 'force colour in the stylish format')
    .option('--no-color', 'never colour')
    .action(async (paths: string[], options: TestOptions) => {
      result.exitCode = await runTests(paths, options, io);
    });
}

async function runTests(paths: string[], options: TestOptions, io: CliIO): Promise<number> {
  const catalog = await readCatalog(options.catalog, io);
  if (!catalog.ok) {
    writeError(io, catalog);
    return ExitCode.usage;
  }
  const found = await findTestFiles(paths.length === 0 ? ['.'] : paths, io);
  const policies = new PolicyCache(catalog.value, io);
  const results: AccessTestResult[] = [];
  for (const file of found.files) {
    // Test files are TOML like access files: the same strict reader (regular file, size, UTF-8).
    const text = await readAccessText(file, io);
    if (!text.ok) {
      writeError(io, text);
      found.failed = true;
      continue;
    }
    const parsed = parseAccessTest(text.value.text, { file });
    if (!parsed.test) {
      results.push(accessTestResultOf(file, 'test', parsed.diagnostics));
      continue;
    }
    const policyPath =
      options.config ?? (parsed.test.policy ? join(dirname(file), parsed.test.policy.name) : undefined);
    const target: PolicyUnderTest =
      policyPath === undefined
        ? {
            file: '',
            problem: `This test file names no access file: add policy = "${DEFAULT_ACCESS_FILE}", or run with --config FILE.`,
          }
        : await policies.get(policyPath, results);
    results.push(runAccessTest(parsed.test, target, io.env));
  }

  const color =
    options.color ??
    (io.stdout.isTTY === true && options.outputFile === undefined && !io.env.NO_COLOR && io.env.FORCE_COLOR !== '0');
  const report = accessTestFormatters[options.format](results, { cwd: io.cwd, repoRoot: findRepoRoot(io.cwd), color });
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
  if (found.failed || results.some((r) => r.errorCount > 0)) return ExitCode.usage;
  return results.some((r) => r.failCount > 0) ? ExitCode.findings : ExitCode.ok;
}

/**
 * Access files, each read and compiled once however many test files use it;
 * one with errors is reported once, as its own result.
 */
class PolicyCache {
  private readonly loaded = new Map<string, PolicyUnderTest>();

  constructor(
    private readonly catalog: Catalog,
    private readonly io: CliIO,
  ) {}

  async get(path: string, results: AccessTestResult[]): Promise<PolicyUnderTest> {
    const absolute = resolve(this.io.cwd, path);
    const cached = this.loaded.get(absolute);
    if (cached) return cached;
    const file = displayPath(absolute, this.io.cwd);
    let target: PolicyUnderTest;
    // `file` is relative to the working directory (or absolute), as readAccessText reads it.
    const text = await readAccessText(file, this.io);
    if (!text.ok) {
      target = { file, problem: text.message };
      if (text.diagnostics) results.push(accessTestResultOf(file, 'policy', text.diagnostics));
    } else {
      const { policy, model, diagnostics } = loadPolicy(text.value.text, { file, catalog: this.catalog });
      if (policy && model) {
        target = { file, policy, model };
      } else {
        const errors = diagnostics.filter((d) => d.severity === 'error').length;
        // Ids are secrets: a message quoting one (a key pasted into roles) names its user instead.
        results.push(
          accessTestResultOf(
            file,
            'policy',
            maskIdsInDiagnostics(diagnostics, { text: text.value.text, model, diagnostics }),
          ),
        );
        target = {
          file,
          problem: `${file} has ${errors === 1 ? '1 error' : `${errors} errors`}; no server would activate it.`,
        };
      }
    }
    this.loaded.set(absolute, target);
    return target;
  }
}

/** A path as reports show it: relative to the working directory when it is inside it. */
function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolute : rel.split(sep).join('/');
}

/** Test files: each file named, and every *.access-test.toml under each directory named (sorted). */
async function findTestFiles(paths: readonly string[], io: CliIO): Promise<{ files: string[]; failed: boolean }> {
  const files: string[] = [];
  let failed = false;
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(resolve(io.cwd, path))).isDirectory();
    } catch (error) {
      writeError(io, {
        code: CliErrorCode.fileUnreadable,
        message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      failed = true;
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const under: string[] = [];
    try {
      await walk(path, io, under);
    } catch (error) {
      writeError(io, {
        code: CliErrorCode.fileUnreadable,
        message: `cannot search ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      failed = true;
      continue;
    }
    if (under.length === 0) {
      writeError(io, { code: CliErrorCode.fileUnreadable, message: `no *${TEST_FILE} file under ${path}` });
      failed = true;
    }
    files.push(...under.sort());
  }
  return { files, failed };
}

async function walk(directory: string, io: CliIO, into: string[]): Promise<void> {
  const entries = await readdir(resolve(io.cwd, directory), { withFileTypes: true });
  for (const entry of entries) {
    const path = directory === '.' ? entry.name : join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORY(entry.name)) await walk(path, io, into);
    } else if (entry.name.endsWith(TEST_FILE) && (entry.isFile() || entry.isSymbolicLink())) {
      into.push(path);
    }
  }
}
