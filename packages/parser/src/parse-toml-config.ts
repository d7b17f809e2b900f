import type Ajv from 'ajv';
import type { AnySchema, ValidateFunction } from 'ajv';
import type Ajv2020 from 'ajv/dist/2020';
import type { Diagnostic, Span } from './diagnostic';
import type { PositionMap } from './position-map';
import { ParserError, ParserErrorCode } from './errors';
import { hasErrors, sortDiagnostics } from './format';
import { positionsOf } from './parse-access-file';
import { Reporter } from './report';
import { reportSchemaErrors } from './schema-diagnostics';
import { SourceText } from './source-text';
import { readToml } from './toml-syntax';

/** A JSON Schema (draft-07, or 2020-12 when its `$schema` says so) describing a TOML config file. */
export type ConfigSchema = Record<string, unknown>;

export interface TomlConfigOptions {
  /** The name diagnostics carry. */
  file: string;
  /** Compiled on first use and cached per schema object: pass the same object each time. */
  schema: ConfigSchema;
}

export interface TomlConfigResult {
  /** The parsed table, schema defaults filled in; null when there is any error. */
  value: Record<string, unknown> | null;
  /** Sorted by line, column, rule id. */
  diagnostics: Diagnostic[];
  /**
   * Where a key or its value is written, for diagnostics the caller makes
   * itself (a value the schema accepts but the program cannot use). `path`
   * is a JSON pointer (`/node/ipc/tcp/port`) or a list of keys and indices;
   * an unplaceable step falls back to the nearest enclosing table, and a
   * file that is not TOML to its start.
   */
  locate: (path: string | readonly (string | number)[], part?: 'key' | 'value') => Span;
}

// Editor-only keywords that config schemas may carry (taplo, VS Code); ajv would reject them as unknown.
const EDITOR_KEYWORDS = ['x-taplo', 'x-taplo-info', 'markdownDescription', 'deprecationMessage'];
const options = {
  allErrors: true,
  verbose: true,
  allowUnionTypes: true,
  strictTypes: false,
  useDefaults: true,
} as const;
let draft07: Ajv | undefined;
let draft2020: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: ConfigSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate !== undefined) return validate;
  const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  try {
    // ajv is required here, on the first config read, not at module load: `lint` never pays for it.
    const ajv = is2020
      ? (draft2020 ??= withEditorKeywords(
          new (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default(options),
        ))
      : (draft07 ??= withEditorKeywords(new (require('ajv') as typeof import('ajv')).default(options)));
    validate = ajv.compile(schema as AnySchema);
  } catch (cause) {
    throw new ParserError(
      ParserErrorCode.schemaInvalid,
      `The config schema does not compile: ${(cause as Error).message}`,
      { cause },
    );
  }
  compiled.set(schema, validate);
  return validate;
}

function withEditorKeywords<T extends Ajv>(ajv: T): T {
  for (const keyword of EDITOR_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}

/**
 * Reads any TOML config file against its JSON Schema with the access file's
 * machinery: `toml-syntax`, `unknown-key` (with "did you mean") and
 * `invalid-type` diagnostics at the line and column of the key or value.
 * Never throws on bad input; throws ParserError NA_PARSER_SCHEMA_INVALID when
 * the schema itself does not compile (a programmer error).
 */
export function parseTomlConfig(text: string, options: TomlConfigOptions): TomlConfigResult {
  const validate = validatorFor(options.schema);
  const source = new SourceText(typeof text === 'string' ? text : '');
  const reporter = new Reporter(options.file, source);
  const map = positionsOf(source.text);
  const value = readToml(source.text, reporter, map.newerSyntax);
  if (value === undefined)
    return { value: null, diagnostics: reporter.diagnostics, locate: () => source.span({ start: 0, end: 0 }) };
  if (!validate(value)) reportSchemaErrors(validate.errors ?? [], map, reporter);
  const diagnostics = sortDiagnostics(reporter.diagnostics);
  return {
    value: hasErrors(diagnostics) ? null : value,
    diagnostics,
    locate: (path, part = 'value') => locateIn(map, source, path, part),
  };
}

function locateIn(
  map: PositionMap,
  source: SourceText,
  path: string | readonly (string | number)[],
  part: 'key' | 'value',
): Span {
  const pointer =
    typeof path === 'string'
      ? path
      : path.map((step) => `/${String(step).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const { node, exact } = map.locate(pointer);
  return source.span(part === 'key' && exact ? map.keyRange(node) : map.valueRange(node));
}
