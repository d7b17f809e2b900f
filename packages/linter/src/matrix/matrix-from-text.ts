import type { Diagnostic } from '@nano-access/parser';
import { loadPolicy, nanoCatalog, type Catalog } from '@nano-access/resolver';
import { maskIdsInDiagnostics } from '../mask-ids';
import { buildMatrix, type AccessMatrix } from './build-matrix';

/**
 * Loads an access file as a server would (loadPolicy) and builds its matrix;
 * a file a server would refuse has no matrix, only its diagnostics (user ids
 * they quote masked, unless `showIds`).
 */
export function matrixFromText(
  text: string,
  options: { file: string; catalog?: Catalog; showIds?: boolean },
): { matrix: AccessMatrix | null; diagnostics: Diagnostic[] } {
  const catalog = options.catalog ?? nanoCatalog;
  const loaded = loadPolicy(text, { file: options.file, catalog });
  const { policy, model } = loaded;
  const diagnostics =
    options.showIds === true
      ? loaded.diagnostics
      : maskIdsInDiagnostics(loaded.diagnostics, { text, model, diagnostics: loaded.diagnostics });
  if (!policy || !model) return { matrix: null, diagnostics };
  return { matrix: buildMatrix(model, policy, { showIds: options.showIds }), diagnostics };
}
