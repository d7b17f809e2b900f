import type { ErrorObject } from 'ajv';
import type { SourceRange } from './diagnostic';
import type { PositionMap } from './position-map';
import type { Reporter } from './report';
import { suggest } from './suggest';

/**
 * A special reading of one ajv error (the access file's own rule ids);
 * returns true when it reported the error itself.
 */
export type SchemaErrorHook = (error: ErrorObject, place: SchemaErrorPlace, reporter: Reporter) => boolean;

/** Where an ajv error points in the text. */
export interface SchemaErrorPlace {
  map: PositionMap;
  /** The node its instancePath names (or the deepest one that could be placed). */
  node: number;
  /** The value (or table) at instancePath. */
  valueRange: SourceRange;
  /** The key at instancePath (the value range for array items and table entries). */
  keyRange: SourceRange;
  /** The instancePath split into steps, "~" escapes decoded. */
  steps: string[];
}

/**
 * Turns ajv's errors into diagnostics: `unknown-key` (with "did you mean"
 * from the schema's own property names) and `invalid-type`, each at the key
 * or value it is about. One diagnostic per place and rule: ajv may report a
 * wrong type and a failed enum for the same value.
 */
export function reportSchemaErrors(
  errors: readonly ErrorObject[],
  map: PositionMap,
  reporter: Reporter,
  hook?: SchemaErrorHook,
): void {
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'allOf') {
      // Summaries of the branch errors ajv reports beside them; those carry the detail.
      if (errors.length > 1) continue;
    }
    const dedupeKey = `${error.instancePath}\u0000${error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties' ? `${error.keyword}:${unknownName(error)}` : 'value'}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    const located = map.locate(error.instancePath);
    const place: SchemaErrorPlace = {
      map,
      node: located.node,
      valueRange: map.valueRange(located.node),
      keyRange: map.keyRange(located.node),
      steps: pointerSteps(error.instancePath),
    };
    if (hook?.(error, place, reporter)) continue;
    reportGeneric(error, place, reporter);
  }
}

function reportGeneric(error: ErrorObject, place: SchemaErrorPlace, reporter: Reporter): void {
  const { map, node, steps } = place;
  const name = unknownName(error);
  if (name !== undefined) {
    const child = map.child(node, name);
    const range = child === -1 ? place.valueRange : map.keyRange(child);
    const known = Object.keys(propertiesOf(error.parentSchema));
    const hint = suggest(name, known);
    const where = steps.length === 0 ? `top-level key "${name}"` : `key "${name}" in ${tableName(steps)}`;
    reporter.error(
      'unknown-key',
      'unknownKey',
      `Unknown ${where}.${hint === undefined ? '' : ` Did you mean "${hint}"?`}`,
      range,
    );
    return;
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
    const where = steps.length === 0 ? 'at the top level' : `in ${tableName(steps)}`;
    reporter.error('invalid-type', 'missingKey', `Missing required key "${missing}" ${where}.`, place.valueRange);
    return;
  }
  if (error.keyword === 'type') {
    const expected = typeWords((error.params as { type?: unknown }).type);
    reporter.error(
      'invalid-type',
      'invalidType',
      `${subject(steps)} must be ${expected}, not ${tomlTypeOf(error.data)}.`,
      place.valueRange,
    );
    return;
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    reporter.error(
      'invalid-type',
      'invalidValue',
      `${subject(steps)} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`,
      place.valueRange,
    );
    return;
  }
  reporter.error(
    'invalid-type',
    'invalidValue',
    `${subject(steps)} ${error.message ?? 'is not valid'}.`,
    place.valueRange,
  );
}

/** The key an additionalProperties / unevaluatedProperties error is about. */
function unknownName(error: ErrorObject): string | undefined {
  const params = error.params as { additionalProperty?: unknown; unevaluatedProperty?: unknown };
  if (error.keyword === 'additionalProperties') return String(params.additionalProperty);
  if (error.keyword === 'unevaluatedProperties') return String(params.unevaluatedProperty);
  return undefined;
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (schema !== null && typeof schema === 'object') {
    const properties = (schema as { properties?: unknown }).properties;
    if (properties !== null && typeof properties === 'object') return properties as Record<string, unknown>;
  }
  return {};
}

export function pointerSteps(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isIndex = (step: string): boolean => /^\d+$/.test(step);

/** `[user]`, `[ipc.tcp]`: the table a path is in, array indices left out. */
export function tableName(steps: readonly string[]): string {
  return `[${steps.filter((s) => !isIndex(s)).join('.')}]`;
}

/** `"allow"`, `Item 2 of "allow"`, `The "user" entry 3`: what a path names, for a sentence's subject. */
export function subject(steps: readonly string[]): string {
  if (steps.length === 0) return 'The document';
  const last = steps[steps.length - 1];
  if (isIndex(last)) {
    const parent = steps.length > 1 ? steps[steps.length - 2] : '';
    return `Item ${Number(last) + 1} of "${parent}"`;
  }
  return `"${last}"`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  array: 'an array',
  object: 'a table',
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a number',
  null: 'absent',
};

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

/** How a TOML value's type reads in a message ("an integer", "a table"). */
export function tomlTypeOf(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a float';
  if (typeof value === 'bigint') return 'an integer';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (value !== null && typeof value === 'object') return 'a table';
  return 'nothing';
}
