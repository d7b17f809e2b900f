import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from './config-access.schema.json';
import * as generated from './generated/access-validators';
import type { Reporter } from './report';
import { reportSchemaErrors, type SchemaErrorPlace } from './schema-diagnostics';
import type { PositionMap } from './position-map';

/** The access file's JSON Schema (the same file is published as docs/config-access.schema.json). */
export const accessFileSchema: Readonly<Record<string, unknown>> = schema;

// Precompiled from the schema by scripts/gen-validators.ts (ajv standalone code,
// the same options as a run-time compile: allErrors, verbose), so loading the
// parser neither loads ajv's compiler nor compiles the schema.
const validateAccessFile = generated.validateAccessFile as ValidateFunction;
// One entry at a time, for a file read section by section (same schema, same errors).
const validateEntry = {
  user: generated.validateUser as ValidateFunction,
  role: generated.validateRole as ValidateFunction,
};

const LIST_KEYS = new Set(['allow', 'deny', 'roles']);

/** Validates a parsed access file's structure, reporting each problem under its rule id (docs/rules.md). */
export function checkAccessStructure(value: unknown, map: PositionMap, reporter: Reporter): void {
  const dates = datesWhereTablesBelong(value, map, reporter);
  if (validateAccessFile(value)) return;
  let errors = validateAccessFile.errors ?? [];
  // A date already reported is not also a table without an id.
  if (dates.length > 0)
    errors = errors.filter(
      (error) => !dates.some((at) => error.instancePath === at || error.instancePath.startsWith(`${at}/`)),
    );
  reportSchemaErrors(errors, map, reporter, accessRules);
}

/**
 * JSON Schema's "object" is any non-array object, and smol-toml reads a TOML
 * date as a Date: `user = 1979-05-27T00:00:00Z` would pass as a table with no
 * keys (and give no user at all). A date is never a table: reported here as
 * the type error it is, for `role` and `user` and for each of their entries.
 * Returns the JSON pointers reported.
 */
function datesWhereTablesBelong(doc: unknown, map: PositionMap, reporter: Reporter): string[] {
  const reported: string[] = [];
  if (doc === null || typeof doc !== 'object') return reported;
  for (const key of ['role', 'user'] as const) {
    if (!Object.prototype.hasOwnProperty.call(doc, key)) continue;
    const value = (doc as Record<string, unknown>)[key];
    if (value instanceof Date) {
      const at = `/${key}`;
      reporter.error(
        'invalid-type',
        'invalidSection',
        `"${key}" must be a table ([${key}]) or an array of tables ([[${key}]]), not a date.`,
        map.valueRange(map.locate(at).node),
      );
      reported.push(at);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(value[i] instanceof Date)) continue;
        const at = `/${key}/${i}`;
        reporter.error(
          'invalid-type',
          'invalidEntry',
          `Each "${key}" entry must be a table, not a date.`,
          map.valueRange(map.locate(at).node),
        );
        reported.push(at);
      }
    }
  }
  return reported;
}

/**
 * Validates one `[[user]]` / `[[role]]` entry (or single table) of a file
 * read section by section; `pointer` is the entry's place (`/user/7`, `/role`).
 */
export function checkEntryStructure(
  key: 'user' | 'role',
  value: unknown,
  pointer: string,
  map: PositionMap,
  reporter: Reporter,
): void {
  const validate = validateEntry[key];
  if (validate(value)) return;
  const errors = (validate.errors ?? []).map((error) => ({ ...error, instancePath: pointer + error.instancePath }));
  reportSchemaErrors(errors, map, reporter, accessRules);
}

/** The access file's own readings of ajv errors: role-deny, missing-role-id, and friendlier type messages. */
function accessRules(error: ErrorObject, place: SchemaErrorPlace, reporter: Reporter): boolean {
  const { steps } = place;
  const inRole = steps[0] === 'role';
  const last = steps[steps.length - 1];
  if (inRole && error.keyword === 'not' && last === 'deny') {
    reporter.error(
      'role-deny',
      'roleDeny',
      'A role cannot have "deny"; only users can have deny entries.',
      place.keyRange,
    );
    return true;
  }
  if (
    inRole &&
    error.keyword === 'required' &&
    (error.params as { missingProperty?: string }).missingProperty === 'id'
  ) {
    reporter.error(
      'missing-role-id',
      'missingRoleId',
      'This role has no "id"; every role needs a non-empty id.',
      place.valueRange,
    );
    return true;
  }
  if (inRole && error.keyword === 'minLength' && last === 'id') {
    reporter.error('missing-role-id', 'emptyRoleId', 'A role id must not be empty.', place.valueRange);
    return true;
  }
  if (error.keyword === 'type' || error.keyword === 'enum') {
    if (last === 'bare') {
      reporter.error('invalid-type', 'invalidBare', '"bare" must be true or false.', place.valueRange);
      return true;
    }
    if (LIST_KEYS.has(last) && error.keyword === 'type') {
      reporter.error(
        'invalid-type',
        'invalidList',
        `"${last}" must be a comma-separated string or an array of strings.`,
        place.valueRange,
      );
      return true;
    }
    if ((last === 'role' || last === 'user') && steps.length === 1) {
      reporter.error(
        'invalid-type',
        'invalidSection',
        `"${last}" must be a table ([${last}]) or an array of tables ([[${last}]]).`,
        place.valueRange,
      );
      return true;
    }
    if (steps.length === 2 && (steps[0] === 'role' || steps[0] === 'user') && /^\d+$/.test(last)) {
      reporter.error('invalid-type', 'invalidEntry', `Each "${steps[0]}" entry must be a table.`, place.valueRange);
      return true;
    }
  }
  return false;
}
