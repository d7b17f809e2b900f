import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { escapeControlsInJson, type Diagnostic } from '@nano-access/parser';
import type { Rule } from '../define-rule';
import { RULES_DOCS_URL } from '../docs-url';
import type { SuppressedDiagnostic } from '../lint-result';
import type { Formatter, FormatterContext } from './formatter';
import { repoRelativePath } from './repo-path';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT = 'nanoAccessFinding/v1';

/**
 * SARIF 2.1.0 for GitHub code scanning: the rule catalogue in
 * `tool.driver.rules` (with `security-severity` on security rules), one
 * result per finding with a repository-relative location, a full region
 * (columns in UTF-16 code units, end exclusive, as SARIF and our spans
 * count), and a fingerprint that survives the finding moving to another
 * line. Suppressed findings are included with their in-source suppression
 * and its justification, so that audits see them. No source snippet is
 * included: the flagged text is often a credential.
 */
export const sarif: Formatter = (results, context) => {
  const rules = context.rules;
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const sarifResults: object[] = [];
  for (const result of results) {
    const uri = repoRelativePath(result.filePath, context.cwd, context.repoRoot);
    const seen = new Map<string, number>();
    const all: (Diagnostic | SuppressedDiagnostic)[] = [...result.messages, ...result.suppressedMessages];
    for (const message of all) {
      const index = ruleIndex.get(message.ruleId);
      const key = `${message.ruleId}\u0000${uri}\u0000${message.messageId ?? ''}\u0000${message.message}`;
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      const { start, end } = message.span;
      const sarifResult: Record<string, unknown> = {
        ruleId: message.ruleId,
        ...(index === undefined ? {} : { ruleIndex: index }),
        level: message.severity,
        message: { text: message.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: relativeUri(uri), uriBaseId: SRCROOT },
              region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
            },
          },
        ],
        partialFingerprints: { [FINGERPRINT]: fingerprint(key, occurrence) },
      };
      if ('suppressions' in message) {
        sarifResult.suppressions = message.suppressions.map((s) => ({
          kind: 'inSource',
          status: 'accepted',
          ...(s.justification === undefined ? {} : { justification: s.justification }),
        }));
      }
      sarifResults.push(sarifResult);
    }
  }
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nano-access',
            informationUri: docsBase(context).replace(/\/docs\/rules\.md$/, ''),
            ...(context.toolVersion ? { version: context.toolVersion, semanticVersion: context.toolVersion } : {}),
            rules: rules.map((rule) => describeRule(rule, context)),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(context.repoRoot ?? context.cwd) } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  // JSON escapes C0 controls but leaves DEL and C1 raw: escaped too, the values unchanged.
  return `${escapeControlsInJson(JSON.stringify(log, null, 2))}\n`;
};

function describeRule(rule: Rule, context: FormatterContext): object {
  const helpUri = `${docsBase(context)}#${rule.id}`;
  const blocking =
    rule.meta.severity === 'error' && rule.meta.source === 'load'
      ? 'An error: a server refuses to load a file that has it.'
      : 'A warning: the file still loads.';
  const properties: Record<string, unknown> = {
    precision: 'very-high',
    tags: rule.meta.securitySeverity === undefined ? ['correctness'] : ['security'],
  };
  if (rule.meta.securitySeverity !== undefined) properties['security-severity'] = rule.meta.securitySeverity.toFixed(1);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.meta.description },
    fullDescription: { text: `${rule.meta.description} ${blocking}` },
    help: {
      text: `${rule.meta.description} See ${helpUri}`,
      markdown: `${rule.meta.description} See [${rule.id}](${helpUri}).`,
    },
    helpUri,
    defaultConfiguration: { level: rule.meta.severity },
    properties,
  };
}

function docsBase(context: FormatterContext): string {
  return context.docsUrl ?? RULES_DOCS_URL;
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
}

/** A relative path as a URI reference: percent-encoded, `#` and `?` included (they would start a fragment or a query). */
function relativeUri(path: string): string {
  return encodeURI(path).replace(/#/g, '%23').replace(/\?/g, '%3F');
}

function directoryUri(path: string): string {
  const href = pathToFileURL(path).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** Stable across runs and line moves; built from the rule, file and message only (never from the flagged text: it may be a credential). */
function fingerprint(key: string, occurrence: number): string {
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}:${occurrence}`;
}
