import type { Logger } from 'pino';
import { PolicyStore, PolicyStoreError } from '@nano-access/reloader';
import type { CliIO } from './io';
import { writeDiagnostics, writeError } from './load';

/** The access file of a data directory. */
export const ACCESS_FILE = 'config-access.toml';

/**
 * Opens the hot-reloaded store of a long-running command. A file with errors
 * (or one that cannot be read) is written to stderr as diagnostics and
 * yields null: the caller exits 2 without starting anything.
 */
export async function openPolicyStore(accessPath: string, logger: Logger, io: CliIO): Promise<PolicyStore | null> {
  try {
    return await PolicyStore.open(accessPath, { logger, watch: true });
  } catch (error) {
    if (!(error instanceof PolicyStoreError)) throw error;
    writeDiagnostics(io, error.diagnostics.filter((d) => d.severity === 'error'));
    writeError(io, { code: error.code, message: error.diagnostics.length > 0 ? `${accessPath} has errors; not starting` : error.message });
    return null;
  }
}
