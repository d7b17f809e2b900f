import type { Diagnostic } from '@nano-access/parser';
import { loadPolicy, nanoCatalog, type Catalog } from '@nano-access/resolver';
import { maskIdsInDiagnostics } from '../mask-ids';
import { diffPolicies, type DiffSide, type PolicyDiff } from './diff-policies';

/** One access file's text and the name reports give it. */
export interface DiffInput {
  text: string;
  file: string;
}

export interface DiffTextsResult {
  /** null when either file has an error (no server would activate it). */
  diff: PolicyDiff | null;
  /** Each file's diagnostics from loadPolicy, sorted, every user id quoted in them masked; errors are why `diff` is null. */
  oldDiagnostics: Diagnostic[];
  newDiagnostics: Diagnostic[];
}

/**
 * Loads both files as a server would (loadPolicy, one catalog for both)
 * and diffs them; a file a server would refuse gives no diff, only its
 * diagnostics.
 */
export function diffTexts(old: DiffInput, next: DiffInput, options: { catalog?: Catalog } = {}): DiffTextsResult {
  const catalog = options.catalog ?? nanoCatalog;
  const before = loadPolicy(old.text, { file: old.file, catalog });
  const after = loadPolicy(next.text, { file: next.file, catalog });
  const oldDiagnostics = maskIdsInDiagnostics(before.diagnostics, {
    text: old.text,
    model: before.model,
    diagnostics: before.diagnostics,
  });
  const newDiagnostics = maskIdsInDiagnostics(after.diagnostics, {
    text: next.text,
    model: after.model,
    diagnostics: after.diagnostics,
  });
  if (!before.policy || !before.model || !after.policy || !after.model)
    return { diff: null, oldDiagnostics, newDiagnostics };
  const oldSide: DiffSide = { file: old.file, model: before.model, policy: before.policy };
  const newSide: DiffSide = { file: next.file, model: after.model, policy: after.policy };
  return { diff: diffPolicies(oldSide, newSide), oldDiagnostics, newDiagnostics };
}
