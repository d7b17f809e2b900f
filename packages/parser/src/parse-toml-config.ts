import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { Diagnostic } from './diagnostic';
import { ParserError } from './errors';
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
}

// Editor-only keywords that config schemas may carry (taplo, VS Code); ajv would reject them as unknown.
const EDITOR_KEYWORDS = ['x-taplo', 'x-taplo-info', 'markdownDescription', 'deprecationMessage'];
const options = { allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false, useDefaults: true } as const;
let draft07: Ajv | undefined;
let draft2020: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: ConfigSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate !== undefined) return validate;
  const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  try {
    const ajv = is2020 ? (draft2020 ??= withEditorKeywords(new Ajv2020(options))) : (draft07 ??= withEditorKeywords(new Ajv(options)));
    validate = ajv.compile(schema as AnySchema);
  } catch (cause) {
    throw new ParserError('NA_PARSER_SCHEMA_INVALID', `The config schema does not compile: ${(cause as Error).message}`, { cause });
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
  const value = readToml(source.text, reporter);
  if (value === undefined) return { value: null, diagnostics: reporter.diagnostics };
  if (!validate(value)) reportSchemaErrors(validate.errors ?? [], positionsOf(source.text), reporter);
  const diagnostics = sortDiagnostics(reporter.diagnostics);
  return { value: hasErrors(diagnostics) ? null : value, diagnostics };
}
