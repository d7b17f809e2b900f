import type { PolicyDiff } from './diff-policies';
import { renderDiffGithub } from './render-github';
import { renderDiffJson } from './render-json';
import { renderDiffMarkdown } from './render-markdown';
import { renderDiffText } from './render-text';

export type DiffFormatName = 'text' | 'json' | 'markdown' | 'github';
export const diffFormatNames: readonly DiffFormatName[] = ['text', 'json', 'markdown', 'github'];

/** What the renderers may know besides the diff. They do no I/O. */
export interface DiffFormatContext {
  /** NEW's path from the repository root, for github annotations; default the diff's newFile. */
  annotationFile?: string;
}

/** Every diff output format by name. */
export const diffFormatters: Readonly<
  Record<DiffFormatName, (diff: PolicyDiff, context?: DiffFormatContext) => string>
> = Object.freeze({
  text: (diff: PolicyDiff) => renderDiffText(diff),
  json: (diff: PolicyDiff) => renderDiffJson(diff),
  markdown: (diff: PolicyDiff) => renderDiffMarkdown(diff),
  github: (diff: PolicyDiff, context?: DiffFormatContext) =>
    renderDiffGithub(diff, { file: context?.annotationFile ?? diff.newFile }),
});
