import Ajv, { _, type ErrorObject, type KeywordCxt, type ValidateFunction } from 'ajv';
import { useFunc } from 'ajv/dist/compile/util';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import limitLength from 'ajv/dist/vocabularies/validation/limitLength';
import schema from './schema/nanoapi.schema.json';
import { EXTENSION_MESSAGE_TYPES, MESSAGE_TYPES } from './messages';
import type { JsonObject, RequestEnvelope } from './types';
import { ErrorMessage } from './errors';

/** The API messages' JSON Schema (draft-07), as shipped in src/schema/nanoapi.schema.json. */
export const messageSchema: Readonly<JsonObject> = schema;

// Compiled on first use, each validator once: validation on the hot path is then a generated
// function call. Not at module load: compiling every message type's validator grows the heap by
// ~7 MiB, which a process that only forwards the legacy API to a node never gets back
// (docs/performance.md, "Memory").
let ajv: Ajv | undefined;

/**
 * maxLength and minLength as ajv defines them (characters: a surrogate pair is one), with the
 * string's `length` (UTF-16 units) asked first. ajv counts the characters of every string, a loop
 * over each unit (~1.7k instructions for an address, the largest part of validating AccountWeight);
 * a string has at most `length` characters and at least half as many, so the count is needed only
 * when `length` alone cannot decide. Same verdicts, same error objects (ajv's own `error`).
 */
function lengthLimit(keyword: 'maxLength' | 'minLength'): Parameters<Ajv['addKeyword']>[0] {
  return {
    ...limitLength,
    keyword,
    $data: false,
    code(cxt: KeywordCxt): void {
      const { data, schemaCode } = cxt;
      const characters = _`${useFunc(cxt.gen, ucs2length)}(${data})`;
      cxt.fail(
        keyword === 'maxLength'
          ? _`${data}.length > ${schemaCode} && ${characters} > ${schemaCode}`
          : _`${data}.length < ${schemaCode} || (${data}.length < 2 * ${schemaCode} && ${characters} < ${schemaCode})`,
      );
    },
  };
}

/** The validators' Ajv: draft-07, strict, the first error only; string lengths as lengthLimit says. */
export function createMessageAjv(): Ajv {
  const instance = new Ajv({ strict: true, allErrors: false, allowUnionTypes: false });
  instance.removeKeyword('maxLength');
  instance.removeKeyword('minLength');
  instance.addKeyword(lengthLimit('maxLength'));
  instance.addKeyword(lengthLimit('minLength'));
  return instance;
}

function compile(name: string): ValidateFunction {
  if (ajv === undefined) {
    ajv = createMessageAjv();
    ajv.addSchema(schema, 'nanoapi');
  }
  return ajv.compile({ $ref: `nanoapi#/definitions/${name}` });
}

/** The message types with a schema of their own (BlockInfo is only ever part of an answer). */
const MESSAGE_SCHEMAS: ReadonlySet<string> = new Set([
  ...MESSAGE_TYPES.filter((n) => n !== 'BlockInfo'),
  ...EXTENSION_MESSAGE_TYPES,
]);
const validators = new Map<string, ValidateFunction>();

/** The validator of a definition of the schema, compiled the first time it is asked for. */
function validatorOf(name: string): ValidateFunction {
  let validator = validators.get(name);
  if (validator === undefined) {
    validator = compile(name);
    validators.set(name, validator);
  }
  return validator;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

/** "Invalid message format: /message/account: must be string" — the field path first, as the node names the field. */
function describe(error: ErrorObject, base: string, typeName: string): string {
  let path = base + error.instancePath;
  let what: string;
  switch (error.keyword) {
    case 'required':
      path += '/' + String(error.params.missingProperty);
      what = `required field is missing in ${typeName}`;
      break;
    case 'additionalProperties':
      path += '/' + String(error.params.additionalProperty);
      what = `unknown field in ${typeName}`;
      break;
    case 'enum':
      what = `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
      break;
    default:
      what = error.message ?? error.keyword;
  }
  return `${ErrorMessage.invalidFormatPrefix}${path === '' ? '/' : path}: ${what}`;
}

/** Validates a request envelope's shape (not its message). */
export function validateRequestEnvelope(value: unknown): Validation<RequestEnvelope> {
  const validator = validatorOf('RequestEnvelope');
  if (validator(value)) return { ok: true, value: value as RequestEnvelope };
  return { ok: false, error: describe(validator.errors![0], '', 'Envelope') };
}

/** Validates a message of a known type; `base` is the path prefix in errors ("/message" in an envelope). */
export function validateMessage(messageType: string, message: unknown, base = '/message'): Validation<JsonObject> {
  if (!MESSAGE_SCHEMAS.has(messageType))
    return { ok: false, error: `${ErrorMessage.invalidFormatPrefix}no schema for ${messageType}` };
  const validator = validatorOf(messageType);
  if (validator(message)) return { ok: true, value: message as JsonObject };
  return { ok: false, error: describe(validator.errors![0], base, messageType) };
}

/** Validates a response envelope and its message (used by tests and clients that want to check a server). */
export function validateResponseEnvelope(value: unknown): Validation<JsonObject> {
  const validator = validatorOf('ResponseEnvelope');
  if (!validator(value)) return { ok: false, error: describe(validator.errors![0], '', 'Envelope') };
  const envelope = value as { message_type: string; message: unknown };
  return validateMessage(envelope.message_type, envelope.message);
}
