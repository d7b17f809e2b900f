import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from './schema/nanoapi.schema.json';
import { EXTENSION_MESSAGE_TYPES, MESSAGE_TYPES } from './messages';
import type { JsonObject, RequestEnvelope } from './types';
import { ErrorMessage } from './errors';

/** The API messages' JSON Schema (draft-07), as shipped in src/schema/nanoapi.schema.json. */
export const messageSchema: Readonly<JsonObject> = schema;

// Compiled once at module load: validation on the hot path is a generated function call.
const ajv = new Ajv({ strict: true, allErrors: false, allowUnionTypes: false });
ajv.addSchema(schema, 'nanoapi');

function compile(name: string): ValidateFunction {
  return ajv.compile({ $ref: `nanoapi#/definitions/${name}` });
}

const requestEnvelopeValidator = compile('RequestEnvelope');
const responseEnvelopeValidator = compile('ResponseEnvelope');
const messageValidators = new Map<string, ValidateFunction>(
  [...MESSAGE_TYPES.filter((n) => n !== 'BlockInfo'), ...EXTENSION_MESSAGE_TYPES].map((n) => [n, compile(n)]),
);

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
  if (requestEnvelopeValidator(value)) return { ok: true, value: value as RequestEnvelope };
  return { ok: false, error: describe(requestEnvelopeValidator.errors![0], '', 'Envelope') };
}

/** Validates a message of a known type; `base` is the path prefix in errors ("/message" in an envelope). */
export function validateMessage(messageType: string, message: unknown, base = '/message'): Validation<JsonObject> {
  const validator = messageValidators.get(messageType);
  if (validator === undefined)
    return { ok: false, error: `${ErrorMessage.invalidFormatPrefix}no schema for ${messageType}` };
  if (validator(message)) return { ok: true, value: message as JsonObject };
  return { ok: false, error: describe(validator.errors![0], base, messageType) };
}

/** Validates a response envelope and its message (used by tests and clients that want to check a server). */
export function validateResponseEnvelope(value: unknown): Validation<JsonObject> {
  if (!responseEnvelopeValidator(value))
    return { ok: false, error: describe(responseEnvelopeValidator.errors![0], '', 'Envelope') };
  const envelope = value as { message_type: string; message: unknown };
  return validateMessage(envelope.message_type, envelope.message);
}
