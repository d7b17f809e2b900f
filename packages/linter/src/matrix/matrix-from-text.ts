import { parseAccessFile, type Diagnostic } from '@nano-access/parser';
import { loadPolicy, nanoCatalog, type Catalog } from '@nano-access/resolver';
import { buildMatrix, type AccessMatrix } from './build-matrix';

/**
 * Loads an access file as a server would (loadPolicy) and builds its matrix;
 * a file a server would refuse has no matrix, only its diagnostics.
 */
export function matrixFromText(
  text: string,
  options: { file: string; catalog?: Catalog },
): { matrix: AccessMatrix | null; diagnostics: Diagnostic[] } {
  const catalog = options.catalog ?? nanoCatalog;
  const { policy, diagnostics } = loadPolicy(text, { file: options.file, catalog });
  if (!policy) return { matrix: null, diagnostics };
  const { model } = parseAccessFile(text, { file: options.file });
  if (!model) return { matrix: null, diagnostics };
  return { matrix: buildMatrix(model, policy), diagnostics };
}
