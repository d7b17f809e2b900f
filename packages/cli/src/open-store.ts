import type { Logger } from 'pino';
import { securityFindings } from '@nano-access/linter';
import {
  defaultAccessPolicySettings,
  PolicyStore,
  PolicyStoreError,
  type AccessPolicySettings,
} from '@nano-access/reloader';
import type { CliIO } from './io';
import { writeDiagnostics, writeError } from './load';

/**
 * Opens the hot-reloaded store of a long-running command, reading the file as its
 * `[access_policy]` table says (size limit, read deadline, the mode check's override), and
 * wiring the linter's security rules in: on load and every reload, their findings
 * (`unrestricted-default`, `weak-credential`, `file-mode` …) are logged at warn. A file with
 * errors (or one that cannot be read, or that others can change) is written to stderr and
 * yields null: the caller exits 2 without starting anything.
 */
export async function openPolicyStore(
  accessPath: string,
  logger: Logger,
  io: CliIO,
  settings: AccessPolicySettings | null = null,
): Promise<PolicyStore | null> {
  const { maxFileBytes, readTimeoutMs, allowInsecurePermissions } = settings ?? defaultAccessPolicySettings;
  try {
    return await PolicyStore.open(accessPath, {
      logger,
      watch: true,
      maxFileBytes,
      readTimeoutMs,
      allowInsecurePermissions,
      inspect: securityFindings,
      // The same rules, loadable by the worker thread that reloads large files.
      inspectModule: { module: require.resolve('@nano-access/linter'), name: 'securityFindings' },
    });
  } catch (error) {
    if (!(error instanceof PolicyStoreError)) throw error;
    const errors = error.diagnostics.filter((d) => d.severity === 'error');
    writeDiagnostics(io, errors);
    writeError(io, {
      code: error.code,
      message: errors.length > 0 ? `${accessPath} has errors; not starting` : `${error.message}; not starting`,
    });
    return null;
  }
}
