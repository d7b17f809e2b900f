import {
  parseTomlConfig,
  sortDiagnostics,
  suggest,
  type Diagnostic,
  type Span,
  type TomlConfigResult,
} from '@nano-access/parser';
import schema from './access-test.schema.json';

/** The test-file format's JSON Schema (published as docs/access-test.schema.json). */
export const accessTestSchema: Readonly<Record<string, unknown>> = schema;

/** The name an expectation uses for the default user; no alias may take it. */
export const DEFAULT_USER_NAME = 'default';

/** A name as written in a test file, and where. */
export interface NameAt {
  name: string;
  span: Span;
}

export type AliasSource = { kind: 'suffix'; suffix: string } | { kind: 'env'; variable: string };

/** `ops = "…6b97"` or `admin = { env = "NANO_ADMIN_KEY" }`. */
export interface AliasDefinition {
  name: string;
  source: AliasSource;
  /** The value: where an alias that matches no user, or several, is reported. */
  span: Span;
}

/** One `[[expect]]` table. */
export interface Expectation {
  /** An alias, or "default". */
  user: NameAt;
  description?: string;
  allow: NameAt[];
  deny: NameAt[];
  /** The exact effective set, when given. */
  effective?: { names: NameAt[]; span: Span };
}

/** A parsed `*.access-test.toml`. */
export interface AccessTest {
  file: string;
  /** `policy = "…"`, relative to the test file. */
  policy?: NameAt;
  aliases: AliasDefinition[];
  expectations: Expectation[];
  /** Where the file starts: errors about the file as a whole go here. */
  start: Span;
}

export interface ParsedAccessTest {
  /** null when the file has an error. */
  test: AccessTest | null;
  /** Sorted by line, column, rule id. */
  diagnostics: Diagnostic[];
}

const SUFFIX = /^(?:…|\.\.\.)(.+)$/s;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads a test file against its schema (`toml-syntax`, `unknown-key`,
 * `invalid-type` at the key or value), then checks what the schema cannot
 * say: alias forms, that each expectation names a defined user and checks
 * something. Names of permissions and the aliases' matches are checked
 * against the policy when the test runs. Never throws on bad input.
 */
export function parseAccessTest(text: string, options: { file: string }): ParsedAccessTest {
  const file = options.file;
  const parsed = parseTomlConfig(text, { file, schema: accessTestSchema });
  const fileStart: Span = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
  if (!parsed.value) return { test: null, diagnostics: parsed.diagnostics };
  const diagnostics = [...parsed.diagnostics];
  const error = (ruleId: string, messageId: string, message: string, span: Span): void => {
    diagnostics.push({ ruleId, severity: 'error', message, messageId, file, span });
  };
  const value = parsed.value as {
    policy?: string;
    users?: Record<string, string | { env: string }>;
    expect?: RawExpectation[];
  };

  const aliases: AliasDefinition[] = [];
  for (const [name, definition] of Object.entries(value.users ?? {})) {
    const span = parsed.locate(['users', name]);
    if (name === DEFAULT_USER_NAME) {
      error(
        'alias-reserved',
        'reserved',
        `"${DEFAULT_USER_NAME}" always names the default user; choose another alias name.`,
        parsed.locate(['users', name], 'key'),
      );
      continue;
    }
    if (typeof definition === 'string') {
      const match = SUFFIX.exec(definition);
      if (!match) {
        error(
          'alias-form',
          'notSuffix',
          `Alias "${name}" must be the end of an id after an ellipsis ("…6b97"), or { env = "VARIABLE" }: ids are secrets and do not belong in a committed file.`,
          span,
        );
        continue;
      }
      aliases.push({ name, source: { kind: 'suffix', suffix: match[1] }, span });
    } else {
      if (!ENV_NAME.test(definition.env)) {
        error(
          'alias-form',
          'badVariable',
          `Alias "${name}": "${definition.env}" is not an environment variable name.`,
          parsed.locate(['users', name, 'env']),
        );
        continue;
      }
      aliases.push({ name, source: { kind: 'env', variable: definition.env }, span });
    }
  }

  const known = new Set([DEFAULT_USER_NAME, ...Object.keys(value.users ?? {})]);
  const expectations: Expectation[] = [];
  (value.expect ?? []).forEach((raw, index) => {
    const at = (key: string): Span => parsed.locate(['expect', index, key]);
    const user: NameAt = { name: raw.user, span: at('user') };
    if (!known.has(raw.user)) {
      const near = suggest(raw.user, [...known]);
      error(
        'unknown-alias',
        'unknownAlias',
        `No user is called "${raw.user}": define it under [users].${near ? ` Did you mean "${near}"?` : ''}`,
        user.span,
      );
      return;
    }
    const expectation: Expectation = {
      user,
      description: raw.description,
      allow: namesOf(raw.allow, ['expect', index, 'allow'], parsed),
      deny: namesOf(raw.deny, ['expect', index, 'deny'], parsed),
    };
    if (raw.effective !== undefined)
      expectation.effective = {
        names: namesOf(raw.effective, ['expect', index, 'effective'], parsed),
        span: at('effective'),
      };
    if (expectation.allow.length === 0 && expectation.deny.length === 0 && expectation.effective === undefined) {
      error(
        'empty-expectation',
        'empty',
        'This expectation checks nothing: give "allow", "deny" or "effective".',
        parsed.locate(['expect', index], 'value'),
      );
      return;
    }
    expectations.push(expectation);
  });

  const sorted = sortDiagnostics(diagnostics);
  if (sorted.some((d) => d.severity === 'error')) return { test: null, diagnostics: sorted };
  const policy = value.policy === undefined ? undefined : { name: value.policy, span: parsed.locate(['policy']) };
  return { test: { file, policy, aliases, expectations, start: fileStart }, diagnostics: sorted };
}

interface RawExpectation {
  user: string;
  description?: string;
  allow?: string | string[];
  deny?: string | string[];
  effective?: string | string[];
}

/** A name list: an array gives each item its own place; a comma string gives every name the string's place. */
function namesOf(list: string | string[] | undefined, path: (string | number)[], parsed: TomlConfigResult): NameAt[] {
  if (list === undefined) return [];
  if (Array.isArray(list)) {
    return list
      .map((name, i) => ({ name: name.trim(), span: parsed.locate([...path, i]) }))
      .filter((n) => n.name !== '');
  }
  const span = parsed.locate(path);
  return list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => ({ name, span }));
}
