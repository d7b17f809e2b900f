import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { formatters, lintText, rules } from '@nano-access/linter';
import { toml } from '../helpers/lint';
import { context, diagnostic, result, sample } from '../helpers/results';

// OASIS's SARIF 2.1.0 schema (errata01), kept in the repository: fixtures/schemas/README.md.
const repoRoot = join(__dirname, '..', '..', '..', '..');
const schema = JSON.parse(
  readFileSync(join(repoRoot, 'fixtures', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'),
) as object;
// The schema's "format" keywords (uri, date-time) are annotations here; the
// URIs we write are checked below with the URL parser instead.
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules: {
          id: string;
          helpUri: string;
          properties: Record<string, unknown>;
          defaultConfiguration: { level: string };
        }[];
      };
    };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> };
      }[];
      partialFingerprints: Record<string, string>;
      suppressions?: { kind: string; justification?: string }[];
    }[];
  }[];
}

function sarifOf(...args: Parameters<typeof formatters.sarif>): SarifLog {
  const log = JSON.parse(formatters.sarif(...args)) as SarifLog;
  const valid = validate(log);
  if (!valid) throw new Error(JSON.stringify(validate.errors, null, 2));
  return log;
}

describe('sarif formatter', () => {
  it('is valid SARIF 2.1.0 against the official schema', () => {
    const log = sarifOf(sample, context);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
  });

  it('escapes every control character, DEL and C1 included, keeping the values', () => {
    const message = 'Unknown role "\u001b[2J\u007f\u009b".';
    const out = formatters.sarif(
      [result('a.toml', [diagnostic('unknown-role', 'error', message, [1, 1, 1, 2])])],
      context,
    );
    expect(out.replace(/\n */g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(
      sarifOf([result('a.toml', [diagnostic('unknown-role', 'error', message, [1, 1, 1, 2])])], context).runs[0]
        .results[0].message.text,
    ).toBe(message);
  });

  it('describes every rule, with security-severity on the security rules', () => {
    const log = sarifOf(sample, context);
    const described = log.runs[0].tool.driver.rules;
    expect(described.map((r) => r.id)).toEqual(rules.map((r) => r.id));
    const weak = described.find((r) => r.id === 'weak-credential')!;
    expect(weak.properties['security-severity']).toBe('7.5');
    expect(weak.properties.tags).toEqual(['security']);
    expect(weak.defaultConfiguration.level).toBe('warning');
    for (const id of ['unrestricted-default', 'file-mode']) {
      expect(described.find((r) => r.id === id)!.properties['security-severity']).toMatch(/^\d+\.\d$/);
    }
    expect(described.find((r) => r.id === 'unused-role')!.properties['security-severity']).toBeUndefined();
    for (const rule of described) expect(new URL(rule.helpUri).hash).toBe(`#${rule.id}`);
  });

  it('locates each result with a repository-relative uri and a full region', () => {
    const [first] = sarifOf(sample, context).runs[0].results;
    expect(first.ruleId).toBe('unknown-permission');
    expect(first.level).toBe('error');
    expect(rules[first.ruleIndex].id).toBe('unknown-permission');
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'conf/config-access.toml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 4, startColumn: 10, endLine: 4, endColumn: 15 },
    });
    expect(sarifOf(sample, context).runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///repo/');
  });

  it('fingerprints a finding by rule, file and message, so that it survives moving lines', () => {
    const before = lintText(toml('[[user]]', 'id = "short-key"'), { file: 'config-access.toml' });
    const after = lintText(toml('', '', '[[user]]', 'id = "short-key"'), { file: 'config-access.toml' });
    const print = (r: typeof before): string =>
      sarifOf([r], context).runs[0].results[0].partialFingerprints['nanoAccessFinding/v1'];
    expect(print(before)).toBe(print(after));
    expect(print(before)).not.toContain('short-key');
  });

  it('gives identical findings distinct fingerprints', () => {
    const twice = lintText(toml('[[role]]', 'id = "a"', '[[role]]', 'id = "b"'), { file: 'config-access.toml' });
    const prints = sarifOf([twice], context).runs[0].results.map((r) => r.partialFingerprints['nanoAccessFinding/v1']);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('includes suppressed findings with their in-source suppression and justification', () => {
    const linted = lintText(toml('[[user]]', 'id = "short-key" # nano-access: disable=weak-credential -- lab node'), {
      file: 'config-access.toml',
    });
    const [found] = sarifOf([linted], context).runs[0].results;
    expect(found.ruleId).toBe('weak-credential');
    expect(found.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'lab node' }]);
  });

  it('percent-encodes the uri of an awkward file name', () => {
    const odd = lintText(toml('[[role]]', 'id = "a"'), { file: 'my configs/config-access#1?.toml' });
    const [found] = sarifOf([odd], context).runs[0].results;
    expect(found.locations[0].physicalLocation.artifactLocation.uri).toBe('my%20configs/config-access%231%3F.toml');
  });

  it('is valid with no results at all', () => {
    expect(sarifOf([], context).runs[0].results).toEqual([]);
  });
});
