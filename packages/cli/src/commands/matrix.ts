import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  matrixFromText,
  renderMatrixCsv,
  renderMatrixHtml,
  renderMatrixJson,
  renderMatrixText,
  type AccessMatrix,
} from '@nano-access/linter';
import { CliErrorCode } from '../errors';
import { ExitCode, type CliIO, type CommandResult } from '../io';
import { readAccessText, readCatalog, writeDiagnostics, writeError } from '../load';

type MatrixFormat = 'text' | 'json' | 'csv' | 'html';

interface MatrixOptions {
  config: string;
  format: MatrixFormat;
  catalog?: string;
  outputFile?: string;
  showIds?: boolean;
}

const renderers: Record<MatrixFormat, (matrix: AccessMatrix, title: string) => string> = {
  text: (matrix) => renderMatrixText(matrix),
  json: (matrix) => renderMatrixJson(matrix),
  csv: (matrix) => renderMatrixCsv(matrix),
  html: (matrix, title) => renderMatrixHtml(matrix, title),
};

/** `nano-access matrix`: who may do what, users × permissions. Exit 0, or 2 for a file a server would refuse. */
export function registerMatrix(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('matrix')
    .description('Print the access matrix of an access file: users × permissions (ids masked).')
    .requiredOption('-c, --config <file>', 'the access file (config-access.toml); - for standard input')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'csv', 'html']).default('text'),
    )
    .option('--catalog <file>', 'a custom permission catalog (JSON) instead of the Nano catalog')
    .option('-o, --output-file <file>', 'write the matrix to a file instead of standard output')
    .option('--show-ids', 'print user ids in full (they are credentials: masked to their last characters by default)')
    .action(async (options: MatrixOptions) => {
      result.exitCode = await runMatrix(options, io);
    });
}

async function runMatrix(options: MatrixOptions, io: CliIO): Promise<number> {
  const catalog = await readCatalog(options.catalog, io);
  if (!catalog.ok) {
    writeError(io, catalog);
    return ExitCode.usage;
  }
  const read = await readAccessText(options.config, io);
  if (!read.ok) {
    writeError(io, read);
    return ExitCode.usage;
  }
  const file = options.config === '-' ? '<stdin>' : options.config;
  const { matrix, diagnostics } = matrixFromText(read.value.text, {
    file,
    catalog: catalog.value,
    showIds: options.showIds,
  });
  if (!matrix) {
    writeDiagnostics(
      io,
      diagnostics.filter((d) => d.severity === 'error'),
    );
    writeError(io, { code: CliErrorCode.policyInvalid, message: `${file} has errors: a server would refuse it` });
    return ExitCode.usage;
  }
  const output = renderers[options.format](matrix, `Access matrix of ${file}`);
  if (options.outputFile === undefined) {
    io.stdout.write(output);
    return ExitCode.ok;
  }
  try {
    await writeFile(resolve(io.cwd, options.outputFile), output);
  } catch (error) {
    writeError(io, {
      code: CliErrorCode.fileUnreadable,
      message: `cannot write ${options.outputFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    });
    return ExitCode.usage;
  }
  return ExitCode.ok;
}
